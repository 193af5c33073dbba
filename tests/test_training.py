"""Issue 3's model tests: a tiny model per session, round trip, refusal, ranking through the model."""

import copy
import json
import shutil

import numpy as np
import pytest

from service.engine.artifact import IncompatibleModelError, load_artifact
from service.engine.scorer import Scorer
from training.handoffs import DataError, load_handoffs

pytestmark = pytest.mark.slow
NOTE = "興味あり、とりあえず会ってくれるそうです。来週あたりで日程調整中。"


def test_training_artifact_round_trip(trained_model):
    meta = json.loads((trained_model / "meta.json").read_text(encoding="utf-8"))
    for key in ("version", "trained_at", "data", "feature_names", "libraries", "encoder", "metrics", "calibration"):
        assert meta[key], key
    assert {"scikit-learn", "spacy", "ginza", "sentence-transformers"} <= set(meta["libraries"])
    assert (trained_model / "report.md").exists() and (trained_model / "roc.png").exists()
    scorer = Scorer.from_dir(trained_model)
    result = scorer.score(NOTE, {"lead_source": "webinar"})
    assert 0 < result.probability < 1 and 0 <= result.score <= 100 and result.band in "ABCD"
    assert result.model_version == "tiny-1"


def test_training_evaluate_reproduces_the_stored_heldout_metrics(trained_model, handoff_rows):
    from training.registry import evaluate

    meta = json.loads((trained_model / "meta.json").read_text(encoding="utf-8"))
    result = evaluate("tiny-1", [str(handoff_rows)], models_dir=trained_model.parent)
    assert result["metrics"] == meta["metrics"]["ours"]


def test_training_evaluate_peer_reproduces_the_stored_peer_and_the_difference(trained_model, handoff_rows):
    from training.registry import evaluate

    meta = json.loads((trained_model / "meta.json").read_text(encoding="utf-8"))
    result = evaluate("tiny-1", [str(handoff_rows)], models_dir=trained_model.parent, peer=True)
    assert result["peer"] == meta["metrics"]["peer"]
    diff = result["ours_minus_peer"]
    stored = meta["metrics"]["ours"]["roc_auc"] - meta["metrics"]["peer"]["roc_auc"]
    assert diff["delta_auc"] == pytest.approx(stored, abs=1.5e-4)  # the stored AUCs are rounded to 4 places
    assert diff["ci_low"] <= diff["delta_auc"] <= diff["ci_high"]
    with pytest.raises(ValueError, match="held-out"):
        evaluate("tiny-1", [str(handoff_rows)], all_rows=True, models_dir=trained_model.parent, peer=True)


def test_training_same_data_and_seed_give_the_same_model(trained_model, handoff_rows, tmp_path):
    from training.model import ModelConfig
    from training.train import train

    again = train([str(handoff_rows)], ModelConfig(cv=3, heldout_percent=25), models_dir=tmp_path, version="tiny-2")
    a, b = (json.loads((p / "meta.json").read_text(encoding="utf-8")) for p in (trained_model, again))
    assert a["metrics"] == b["metrics"] and a["score_quantiles"] == b["score_quantiles"]


@pytest.mark.parametrize("change", ["encoder", "sklearn", "format", "features"])
def test_training_incompatible_artifact_is_refused(trained_model, tmp_path, change):
    copy_dir = tmp_path / "m"
    shutil.copytree(trained_model, copy_dir)
    meta = json.loads((copy_dir / "meta.json").read_text(encoding="utf-8"))
    if change == "encoder":
        meta["encoder"]["fingerprint"] = "0000000000000000"
    elif change == "sklearn":
        meta["libraries"]["scikit-learn"] = "0.24.2"
    elif change == "format":
        meta["format"] = 99
    else:
        meta["feature_names"] = meta["feature_names"][:-1]
    (copy_dir / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    from service.engine.embedder import Embedder

    with pytest.raises(IncompatibleModelError):
        load_artifact(copy_dir, Embedder().fingerprint)


def _set_weight(scorer, feature, value):
    s = copy.copy(scorer)
    s.artifact = copy.copy(scorer.artifact)
    est = copy.deepcopy(scorer.artifact.estimator)
    for cc in est.calibrated_classifiers_:
        names = cc.estimator.named_steps["vec"].feature_names_
        cc.estimator.named_steps["clf"].coef_[0][names.index(feature)] = value
    object.__setattr__(s.artifact, "estimator", est)
    return s


def test_training_suggestion_ranking_follows_the_model_weights(trained_model):
    scorer = Scorer.from_dir(trained_model)
    boosted = _set_weight(scorer, "el:budget=present", 5.0)
    assert boosted.score(NOTE).suggestions[0].element == "budget"
    damped = _set_weight(scorer, "el:budget=present", -5.0)
    assert "budget" not in [s.element for s in damped.score(NOTE).suggestions]


def test_training_suggestions_are_japanese_questions_for_missing_elements(trained_model):
    result = Scorer.from_dir(trained_model).score(NOTE)
    states = result.detections.states()
    assert result.suggestions
    for s in result.suggestions:
        assert states[s.element] in ("absent", "unknown") and s.gain > 0
        assert "？" in s.question_ja or "「" in s.question_ja
    gains = [s.gain for s in result.suggestions]
    assert gains == sorted(gains, reverse=True)


def test_handoffs_loader_reports_bad_rows_by_line(tmp_path):
    path = tmp_path / "h.jsonl"
    path.write_text('{"id": "a", "text": "予算300万", "opportunity": 1}\n{"id": "b", "text": "", "opportunity": 0}\n'
                    '{"id": "c", "text": "x", "opportunity": "maybe"}\nnot json\n'
                    '{"id": "d", "text": "x", "opportunity": 0, "won": 1}\n', encoding="utf-8")
    report = load_handoffs([path])
    assert [r.id for r in report.rows] == ["a"]
    assert [p.split(": ")[0] for p in report.problems] == [f"{path}:{n}" for n in (2, 3, 4, 5)]
    with pytest.raises(DataError, match="strict"):
        load_handoffs([path], strict=True)


def test_handoffs_loader_reads_crm_csv_with_a_column_mapping(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("商談ID,メモ,案件化,リードソース,初回接触までの日数\nX1,決裁は社長。,はい,webinar,2\nX2,興味あり,いいえ,ad,abc\n",
                    encoding="utf-8")
    cols = {"id": "商談ID", "text": "メモ", "opportunity": "案件化", "lead_source": "リードソース",
            "days_to_first_contact": "初回接触までの日数"}
    report = load_handoffs([path], cols)
    assert [(r.id, r.opportunity, r.fields.lead_source, r.fields.days_to_first_contact) for r in report.rows] == [
        ("X1", 1, "webinar", 2.0)]
    assert report.problems == [f"{path}:3: 'days_to_first_contact' is not a number: 'abc'"]


def test_features_counterfactual_only_changes_the_element(trained_model):
    from service.engine.features import Fields, feature_dict, with_present

    summary = {"budget": ("unknown", 0.8, "topic:unknown", False, None),
               "interest": ("present", 0.9, "cue:reason", False, None)}
    base = feature_dict(summary, np.zeros(3), Fields(lead_source="webinar"), 10)
    cf = feature_dict(with_present(summary, "budget"), np.zeros(3), Fields(lead_source="webinar"), 10)
    changed = {k for k in set(base) | set(cf) if base.get(k) != cf.get(k)}
    assert changed == {"el:budget=unknown", "el:budget=present", "conf:budget", "n_present", "n_unknown"}


def test_block_scaler_weights_only_the_named_block():
    from service.engine.scaling import BlockScaler

    rng = np.random.default_rng(0)
    rows = [{"emb:0": float(a), "emb:1": float(b), "el:x=present": float(c)}
            for a, b, c in zip(rng.normal(size=200), rng.normal(3, 5, size=200), rng.integers(0, 2, size=200), strict=True)]
    out = BlockScaler({"emb:": 0.2}).fit(rows).transform(rows)
    names = BlockScaler({"emb:": 0.2}).fit(rows).feature_names_
    stds = dict(zip(names, out.std(axis=0), strict=True))
    assert stds["emb:0"] == pytest.approx(0.2) and stds["emb:1"] == pytest.approx(0.2)
    assert stds["el:x=present"] == pytest.approx(1.0)


def test_training_cli_trains_from_a_crm_csv_with_the_example_config(tmp_path, handoff_rows, capsys):
    """The documented mapping works end to end, and a malformed row is reported by line, not dropped silently."""
    import csv

    from training.__main__ import main

    rows = [json.loads(line) for line in handoff_rows.read_text(encoding="utf-8").splitlines()]
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["商談ID", "引き継ぎメモ", "案件化", "リードソース", "初回接触までの日数"])
        for r in rows:
            w.writerow([r["id"], r["text"], "はい" if r["opportunity"] else "いいえ", r["lead_source"], r["days_to_first_contact"]])
        w.writerow(["broken", "メモ", "たぶん", "ad", "1"])
    models = tmp_path / "models"
    code = main(["--models-dir", str(models), "train", "--data", str(path), "--config", "training/example_config.toml",
                 "--version", "csv-1"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"skipped {path}:{len(rows) + 2}: 'opportunity' is not a yes/no value" in err
    assert "ours" in out and "peer" in out
    assert json.loads((models / "registry.json").read_text())["current"] == "csv-1"
    assert main(["--models-dir", str(models), "list"]) == 0
    assert "* csv-1" in capsys.readouterr().out


def test_training_cli_uses_the_services_models_dir_setting(trained_model, monkeypatch, capsys):
    """HANDOFF_MODELS_DIR points the service at a directory; the CLI lists and promotes there too."""
    from training.__main__ import main

    monkeypatch.setenv("HANDOFF_MODELS_DIR", str(trained_model.parent))
    assert main(["list"]) == 0
    assert "tiny-1" in capsys.readouterr().out


def test_committed_default_model_loads_and_ranks_a_rich_note_above_a_thin_one():
    """models/registry.json names a committed model that loads with the encoder built on this machine."""
    scorer = Scorer.current()
    thin = scorer.score("興味あり、とりあえず会ってくれるそうです")
    rich = scorer.score("勤怠の締め作業に毎月40時間、『もう限界』と。来期予算で検討、決裁は部長で次回同席。"
                        "一番の関心はシフト連動の自動集計。12/3(火)14時 オンライン。", {"lead_source": "inquiry"})
    assert rich.probability > thin.probability and rich.score > thin.score
    assert thin.suggestions[0].element in ("interest", "decision_maker")
