"""Build the default Japanese sentence encoder from what ja_ginza ships: no download, deterministic.

ja_ginza carries 20,000 word vectors (300 dimensions) and ~480,000 keys mapped onto them. The encoder is a
sentence-transformers `StaticEmbedding`: a Unigram tokenizer (Viterbi segmentation, so unspaced Japanese
needs no pre-splitting) over the most frequent words and every single character seen in the keys, with each
token's ja_ginza vector as its embedding; a sentence is the mean of its token vectors. Saved as an ordinary
sentence-transformers folder, it loads with `SentenceTransformer(path)` like any hub model.
"""

from __future__ import annotations

import math
import unicodedata
from pathlib import Path

import numpy as np

MAX_WORDS = 50_000  # the 20k original vectors first (frequency order), then other keys in insertion order
MAX_WORD_CHARS = 6
UNK = "[UNK]"


def _usable(word: str) -> bool:
    return 0 < len(word) <= MAX_WORD_CHARS and not any(c.isspace() or unicodedata.category(c)[0] == "C" for c in word)


def build_static_encoder(out_dir: str | Path, max_words: int = MAX_WORDS) -> Path:
    import spacy
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    nlp = spacy.load("ja_ginza", exclude=["tok2vec", "parser", "ner", "morphologizer", "compound_splitter",
                                          "bunsetu_recognizer", "attribute_ruler"])
    vectors, strings = nlp.vocab.vectors, nlp.vocab.strings
    words: dict[str, int] = {}
    chars: dict[str, int] = {}
    for key in vectors.keys():  # noqa: SIM118 - spaCy Vectors, not a dict; insertion order: most frequent first
        text = unicodedata.normalize("NFKC", strings[key]).lower()
        if not _usable(text):
            continue
        row = int(vectors.key2row[key])
        if len(words) < max_words and text not in words:
            words[text] = row
        for ch in text:
            chars.setdefault(ch, row if text == ch else -1)
    vocab = [(UNK, 0.0)]
    rows: list[np.ndarray] = [np.zeros(vectors.shape[1], dtype=np.float32)]
    for rank, (word, row) in enumerate(words.items()):
        vocab.append((word, -10.0 - math.log1p(rank) / 10))  # every token costs ~10: longest words win
        rows.append(vectors.data[row])
    for ch, row in chars.items():
        if ch not in words:
            vocab.append((ch, -30.0))  # a bare character only where no word fits
            rows.append(vectors.data[row] if row >= 0 else np.zeros(vectors.shape[1], dtype=np.float32))
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=0, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(),
                                                       pre_tokenizers.Punctuation()])
    weights = np.asarray(np.stack(rows), dtype=np.float32)
    module = StaticEmbedding(tokenizer, embedding_weights=weights)
    model = SentenceTransformer(modules=[module], device="cpu")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model.save(str(out))
    (out / "BUILD.md").write_text(
        "Built by service/engine/encoder_build.py from ja_ginza 5.3.0's word vectors "
        f"({len(vocab)} tokens, {weights.shape[1]} dimensions). Rebuild by deleting this folder.\n", encoding="utf-8")
    return out
