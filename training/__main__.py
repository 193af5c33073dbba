"""Command line for data scientists: `python -m training <command>` (thin: the work is in the modules).

  train --data FILE... [--config FILE]   train a new versioned model under models/
  evaluate [VERSION] --data FILE...      metrics of a version on the held-out part of the data (--all: all rows;
                                         --peer: also the naive peer, and ours - peer with a bootstrap interval)
  compare A B --data FILE...             champion A vs challenger B on the same held-out rows
  promote VERSION                        make VERSION the one the service loads
  list                                   the versions, their metrics and which is current
  evaluate-detector --gold FILE...       the context detectors (rules + learned reader) against annotated notes
                                         (--by-writer: each writer read by a reader trained without that writer)
  train-detector --data FILE...          train a learned reader version under models/reader/
  agreement --first FILE... --second FILE...
                                         inter-annotator agreement (F1 of present, Cohen's κ) on notes labelled twice
  export-outcomes --out FILE [--db URL]  the service's stored handoffs with outcomes, as training data
  golden --out FILE | --check FILE       the detectors' decisions on every note, recorded or compared
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .augment import HALF_WIDTH_SHARE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models-dir", type=Path, default=None, help="default: HANDOFF_MODELS_DIR, else the project's models/ (the service's setting)")
    sub = parser.add_subparsers(dest="command", required=True)

    tr = sub.add_parser("train", help="train a new model version")
    tr.add_argument("--data", nargs="+", required=True, help="JSONL or CSV handoffs with outcomes")
    tr.add_argument("--config", type=Path, help="TOML or JSON: model settings and a [columns] mapping")
    tr.add_argument("--strict", action="store_true", help="reject the data if any row is malformed")
    tr.add_argument("--workers", type=int, default=2, help="parser processes (default 2)")
    tr.add_argument("--version", help="version name (default: UTC time + data hash)")
    tr.add_argument("--promote", action="store_true", help="make the new version current")

    ev = sub.add_parser("evaluate", help="metrics of a version on held-out data")
    ev.add_argument("version", nargs="?", help="default: the current version")
    ev.add_argument("--data", nargs="+", required=True)
    ev.add_argument("--config", type=Path, help="for its [columns] mapping")
    ev.add_argument("--all", action="store_true", help="use every row, not only the held-out split")
    ev.add_argument("--peer", action="store_true", help="also fit the naive peer on the other rows; report ours - peer")

    cmp_ = sub.add_parser("compare", help="champion vs challenger on the same held-out rows")
    cmp_.add_argument("champion")
    cmp_.add_argument("challenger")
    cmp_.add_argument("--data", nargs="+", required=True)
    cmp_.add_argument("--config", type=Path)

    pr = sub.add_parser("promote", help="make a version current")
    pr.add_argument("version")
    sub.add_parser("list", help="list versions")

    de = sub.add_parser("evaluate-detector", help="per-element P/R/F1 of `present`, 3-state accuracy, macro-F1")
    de.add_argument("--gold", nargs="+", required=True, help="annotated JSONL files (schema record format)")
    de.add_argument("--predictions", type=Path, help="write each note's predicted states as JSONL {id, labels}")
    de.add_argument("--no-peer", action="store_true", help="skip the keyword-peer column")
    de.add_argument("--reader", default="current",
                    help="the learned reader: a version under models/reader/, 'current' (default) or 'none' (rules only)")
    de.add_argument("--by-writer", action="store_true",
                    help="leave-one-writer-out: rules, learned and combined side by side, per writer")
    de.add_argument("--workers", type=int, default=2, help="parser processes (default 2)")
    de.add_argument("--half-width-share", type=float, default=HALF_WIDTH_SHARE,
                    help=f"--by-writer: share of training notes also re-typed in half-width kana (default {HALF_WIDTH_SHARE})")

    td = sub.add_parser("train-detector", help="train the learned reader on annotated notes")
    td.add_argument("--data", nargs="+", required=True, help="annotated JSONL files (never ../shared/eval-dev/)")
    td.add_argument("--version", help="version name (default: UTC time + data hash)")
    td.add_argument("--promote", action="store_true", help="make it the current reader (also when there is none)")
    td.add_argument("--no-embedding", action="store_true", help="without the note's static embedding")
    td.add_argument("--C", type=float, default=None, help="inverse regularisation of the classifiers")
    td.add_argument("--workers", type=int, default=2, help="parser processes (default 2)")
    td.add_argument("--half-width-share", type=float, default=HALF_WIDTH_SHARE,
                    help=f"share of the notes also trained on re-typed in half-width kana (default {HALF_WIDTH_SHARE})")

    ag = sub.add_parser("agreement", help="inter-annotator agreement on notes labelled twice")
    ag.add_argument("--first", nargs="+", required=True, help="annotated JSONL: the writers' own labels")
    ag.add_argument("--second", nargs="+", required=True, help="JSONL {id, labels}: the blind second annotator's")

    ex = sub.add_parser("export-outcomes", help="stored handoffs with outcomes as training data (JSONL or CSV)")
    ex.add_argument("--db", help="database URL (default: $HANDOFF_DB_URL, else the service's var/handoffs.sqlite3)")
    ex.add_argument("--out", type=Path, required=True, help="the file to write (.csv for CSV)")
    ex.add_argument("--format", choices=("jsonl", "csv"), help="default: from the file name's suffix")

    go = sub.add_parser("golden", help="record the detectors' decisions on every note, or check them against a record")
    mode = go.add_mutually_exclusive_group(required=True)
    mode.add_argument("--out", type=Path, help="write the golden file (.jsonl.gz)")
    mode.add_argument("--check", type=Path, help="read every note again and list what differs from this file")
    go.add_argument("--data", nargs="+", help="with --out: the notes (default: the annotated notes and handoffs)")
    go.add_argument("--workers", type=int, default=2, help="processes (default 2)")

    args = parser.parse_args(argv)
    from service.engine.errors import EngineError

    from .handoffs import DataError

    try:
        return COMMANDS[args.command](args)
    except (DataError, EngineError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _models_dir(args) -> Path:
    from service.engine.artifact import models_dir_from_env

    return args.models_dir or models_dir_from_env()


def _config(path: Path | None) -> dict:
    if path is None:
        return {}
    if path.suffix == ".toml":
        import tomllib

        return tomllib.loads(path.read_text(encoding="utf-8"))
    return json.loads(path.read_text(encoding="utf-8"))


def _train(args) -> int:
    from service.engine.artifact import set_current

    from .model import ModelConfig
    from .train import train

    cfg = _config(args.config)
    columns = cfg.pop("columns", None)
    out = train(args.data, ModelConfig.from_mapping(cfg.get("model", {})), columns, _models_dir(args), args.strict,
                args.workers, version=args.version)
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    for name, m in meta["metrics"].items():
        print(f"{name:8s} ROC-AUC {m['roc_auc']:.3f}  PR-AUC {m['pr_auc']:.3f}  Brier {m['brier']:.4f}")
    print(f"version {meta['version']}  report: {out / 'report.md'}")
    if args.promote or not (_models_dir(args) / "registry.json").exists():
        set_current(meta["version"], _models_dir(args))
        print(f"current version is now {meta['version']}")
    return 0


def _evaluate(args) -> int:
    from service.engine.artifact import current_version

    from .registry import evaluate

    version = args.version or current_version(_models_dir(args))
    result = evaluate(version, args.data, args.all, _models_dir(args), columns=_config(args.config).get("columns"),
                      peer=args.peer)
    m = result["metrics"]
    print(f"{version}: n={m['n']} base rate {m['base_rate']:.3f}  ROC-AUC {m['roc_auc']:.3f}  PR-AUC {m['pr_auc']:.3f}  "
          f"Brier {m['brier']:.4f}")
    if "peer" in result:
        p, d = result["peer"], result["ours_minus_peer"]
        print(f"peer: ROC-AUC {p['roc_auc']:.3f}  PR-AUC {p['pr_auc']:.3f}  Brier {p['brier']:.4f}; ours - peer ΔAUC "
              f"{d['delta_auc']:+.4f} (95% paired bootstrap CI {d['ci_low']:+.4f} .. {d['ci_high']:+.4f})")
    print("| predicted | n | mean predicted | observed |\n|---|---|---|---|")
    for r in result["calibration"]:
        print(f"| {r['bin']} | {r['n']} | {r['predicted']:.3f} | {r['observed']:.3f} |")
    return 0


def _compare(args) -> int:
    from .registry import compare

    r = compare(args.champion, args.challenger, args.data, _models_dir(args), columns=_config(args.config).get("columns"))
    print(f"{r['rows']} held-out rows\n| version | ROC-AUC | PR-AUC | Brier |\n|---|---|---|---|")
    for v in (args.champion, args.challenger):
        print(f"| {v} | {r[v]['roc_auc']:.3f} | {r[v]['pr_auc']:.3f} | {r[v]['brier']:.4f} |")
    d = r["challenger_minus_champion"]
    print(f"challenger - champion: ΔAUC {d['delta_auc']:+.4f} (95% bootstrap CI {d['ci_low']:+.4f} .. {d['ci_high']:+.4f})")
    return 0


def _promote(args) -> int:
    from .registry import promote

    promote(args.version, _models_dir(args))
    print(f"current version is now {args.version}")
    return 0


def _list(args) -> int:
    from .registry import list_versions

    rows = list_versions(_models_dir(args))
    if not rows:
        print("no model versions")
    for r in rows:
        mark = "*" if r["current"] else " "
        print(f"{mark} {r['version']}  trained {r['trained_at']}  rows {r['rows']}  ROC-AUC {r['roc_auc']}  Brier {r['brier']}")
    return 0


def _evaluate_detector(args) -> int:
    if args.by_writer:
        return _evaluate_by_writer(args)
    from service.engine.detect import detect

    from .detector_eval import format_report, predict_all, score, write_predictions
    from .keyword_peer import peer_states
    from .records import load_annotated

    gold = load_annotated(args.gold)  # a RecordError is a ValueError: main reports it and exits 2
    reader, embedder = _reader_arg(args)
    print(f"evaluating {len(gold)} notes from {len(args.gold)} file(s) with "
          f"{'the rules alone' if reader is None else 'the rules and reader ' + reader.version}", file=sys.stderr)

    def read(text: str) -> dict[str, str]:
        emb = embedder.encode([text])[0] if reader is not None and reader.uses_embedding else None
        return detect(text, reader=reader, embedding=emb).states()

    predicted = predict_all(gold, read)
    ours = score(gold, predicted)
    peer = None if args.no_peer else score(gold, [peer_states(r.text) for r in gold])
    print(format_report(ours, peer))
    if args.predictions:
        write_predictions(args.predictions, gold, predicted)
        print(f"predictions written to {args.predictions}", file=sys.stderr)
    return 0


def _reader_arg(args):
    """The --reader option: (Reader or None, Embedder or None)."""
    from service.engine.embedder import Embedder
    from service.engine.reader import find_reader

    embedder = Embedder()
    reader = find_reader(_models_dir(args), args.reader, embedder.fingerprint)
    return reader, None if reader is None else embedder


def _evaluate_by_writer(args) -> int:
    from collections import defaultdict

    from service.engine.embedder import Embedder
    from service.engine.reader import ReaderSettings

    from .detector_eval import calibration_error, format_modes, score
    from .reader import MODES, by_writer, load_corpus, refuse_eval_dev

    refuse_eval_dev(args.gold)
    settings = ReaderSettings()
    corpus = load_corpus(args.gold, args.workers, Embedder() if settings.use_embedding else None,
                         half_width_share=args.half_width_share)
    writers = sorted({r.writer for r in corpus.notes})
    print(f"leave-one-writer-out over {len(corpus.notes)} notes by {len(writers)} writers "
          f"(+{len(corpus.records) - len(corpus.notes)} half-width copies for training)", file=sys.stderr)
    result = by_writer(corpus, settings, jobs=args.workers)
    reports = {m: score(corpus.notes, result[m]) for m in MODES}
    print(format_modes(reports))
    print(f"calibration of the combined reader's confidence: ECE {calibration_error(corpus.notes, result['probs']):.3f}")
    print("\n| writer | notes | " + " | ".join(MODES) + " |\n|---|---|" + "---|" * len(MODES))
    idx = defaultdict(list)
    for i, r in enumerate(corpus.notes):
        idx[r.writer].append(i)
    for w in writers:
        g = [corpus.notes[i] for i in idx[w]]
        cells = " | ".join(f"{score(g, [result[m][i] for i in idx[w]]).macro_f1:.3f}" for m in MODES)
        print(f"| {w} | {len(g)} | {cells} |")
    if args.predictions:
        with args.predictions.open("w", encoding="utf-8") as fh:
            for i, r in enumerate(corpus.notes):
                fh.write(json.dumps({"id": r.id, "writer": r.writer, "style": r.style,
                                     **{m: result[m][i] for m in MODES}}, ensure_ascii=False) + "\n")
        print(f"predictions written to {args.predictions}", file=sys.stderr)
    return 0


def _train_detector(args) -> int:
    from dataclasses import replace

    from service.engine.artifact import set_current
    from service.engine.reader import READER_DIR, ReaderSettings

    from .reader import train_reader

    settings = ReaderSettings()
    if args.no_embedding:
        settings = replace(settings, use_embedding=False)
    if args.C is not None:
        settings = replace(settings, C=args.C)
    readers = _models_dir(args) / READER_DIR.name
    out = train_reader(args.data, settings, readers, args.version, args.workers,
                       half_width_share=args.half_width_share)
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    print(f"reader {meta['version']}: {meta['data']['rows']} notes by {len(meta['data']['writers'])} writers, "
          f"{meta['train_seconds']} s; saved in {out}")
    if args.promote or not (readers / "registry.json").exists():
        set_current(meta["version"], readers)
        print(f"current reader is now {meta['version']}")
    return 0


def _agreement(args) -> int:
    from collections import defaultdict

    from .agreement import agreement, format_agreement, load_labels
    from .records import load_annotated

    first = load_annotated(args.first)
    second = load_labels(args.second)
    missing = [i for i in second if i not in {r.id for r in first}]
    if missing:
        raise ValueError(f"{len(missing)} second labels have no first label, e.g. {missing[0]}")
    print(format_agreement(agreement(first, second)))
    by_writer = defaultdict(list)
    for r in first:
        if r.id in second:
            by_writer[r.writer].append(r)
    print("\n| writer | notes | macro F1 | mean κ |\n|---|---|---|---|")
    for w, recs in sorted(by_writer.items()):
        a = agreement(recs, second)
        print(f"| {w} | {a.n_notes} | {a.macro_f1:.3f} | {a.mean_kappa:.3f} |")
    return 0


def _export_outcomes(args) -> int:
    from service.store import Store, StoreError, db_url_from_env, sqlite_file

    from .export import export_outcomes

    url = args.db or db_url_from_env()
    try:
        path = sqlite_file(url)
        if path is not None and not path.is_file():  # opening it would create an empty database
            print(f"error: no database at {path}", file=sys.stderr)
            return 2
        store = Store(url)
        try:
            result = export_outcomes(store, args.out, args.format)
        finally:
            store.dispose()
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{result.written} handoffs with outcomes written to {args.out}; "
          f"{result.skipped} stored handoffs have no outcome yet (skipped)", file=sys.stderr)
    return 0


def _golden(args) -> int:
    from . import golden

    if args.check:
        return golden.check(args.check, args.workers)
    n = golden.write(args.out, args.data or golden.DEFAULT_DATA, args.workers)
    print(f"golden file {args.out}: {n} notes")
    return 0


COMMANDS = {"train": _train, "evaluate": _evaluate, "compare": _compare, "promote": _promote, "list": _list,
            "evaluate-detector": _evaluate_detector, "train-detector": _train_detector,
            "agreement": _agreement,
            "export-outcomes": _export_outcomes, "golden": _golden}


if __name__ == "__main__":
    sys.exit(main())
