"""Script index and candidate shortlist: which script lines may be said where.

Contract:
- ``build_script_index(script)`` normalises every dialogue line once (``normalize_words``) and
  indexes its *seed* tokens (tokens rarer than ``max(50, 5 %)`` of the lines; a line made only of
  frequent words seeds with all of them, so "Yes." and "I know." are still found) with an IDF
  weight. Build it once per script and pass it to every ``align_transcript`` call.
- ``transcript_tokens(transcript)`` normalises the transcript into tokens, remembering the word
  each token came from.
- ``shortlist(index, tokens, ...)`` maps each distinct transcript token to the script tokens it
  resembles (``rapidfuzz.process.cdist``, one vectorised call), collects (transcript position,
  line, line position) hits through the seed postings, clusters each line's hits by the line
  start they imply (transcript position − line position, so two readings of a line are two
  clusters and a window stays about one line long) and returns the windows worth a full word alignment: clusters whose distinct hit seeds weigh at
  least ``min_coverage`` of the line's seed weight. Cost grows with hits, not with lines × words.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

from ..model import Script, ScriptLine, Transcript
from .normalize import homophone_key, normalize_words

HOMOPHONE_SIMILARITY = 0.95


@dataclass(frozen=True)
class ScriptIndex:
    """A script's dialogue lines, normalised and indexed for fast candidate lookup."""

    lines: tuple[ScriptLine, ...]
    tokens: tuple[tuple[str, ...], ...]          # per line
    seed_weight: tuple[float, ...]               # per line: total weight of its seed tokens
    seed_count: tuple[int, ...]                  # per line: how many of its tokens are seeds
    vocab: tuple[str, ...]                       # distinct script tokens
    postings: dict                               # token -> tuple[(line index, token position)]
    weights: dict                                # token -> idf weight


@dataclass(frozen=True)
class TokenStream:
    """Normalised transcript tokens; ``word_of[k]`` is the transcript word token k came from."""

    tokens: tuple[str, ...]
    word_of: tuple[int, ...]


@dataclass(frozen=True)
class Window:
    """A stretch of transcript tokens [start, end) where line ``line`` may be said."""

    line: int
    start: int
    end: int
    coverage: float


def build_script_index(script: Script) -> ScriptIndex:
    lines = tuple(line for line in script.lines if normalize_words(line.text))
    tokens = tuple(tuple(normalize_words(line.text)) for line in lines)
    df: dict[str, int] = defaultdict(int)
    for toks in tokens:
        for tok in set(toks):
            df[tok] += 1
    n_lines = max(1, len(lines))
    weights = {tok: math.log(1.0 + n_lines / count) for tok, count in df.items()}
    frequent = max(50, int(0.05 * n_lines))
    postings: dict[str, list] = defaultdict(list)
    seed_weight = []
    seed_count = []
    for li, toks in enumerate(tokens):
        seeds = [j for j, tok in enumerate(toks) if df[tok] <= frequent] or list(range(len(toks)))
        seen = set()
        total = 0.0
        for j in seeds:
            postings[toks[j]].append((li, j))
            if toks[j] not in seen:
                seen.add(toks[j])
                total += weights[toks[j]]
        seed_weight.append(total)
        seed_count.append(len(seeds))
    return ScriptIndex(
        lines=lines, tokens=tokens, seed_weight=tuple(seed_weight), seed_count=tuple(seed_count), vocab=tuple(sorted(df)),
        postings={k: tuple(v) for k, v in postings.items()}, weights=weights,
    )


def transcript_tokens(transcript: Transcript) -> TokenStream:
    tokens: list[str] = []
    word_of: list[int] = []
    for wi, word in enumerate(transcript.words):
        for tok in normalize_words(word.text):
            tokens.append(tok)
            word_of.append(wi)
    return TokenStream(tuple(tokens), tuple(word_of))


def fuzzy_vocab_map(queries: Sequence[str], vocab: Sequence[str], threshold: float) -> dict:
    """query token -> {script token: similarity} for similarities ≥ threshold.

    Similarity is ``fuzz.ratio``/100 between tokens of four letters or more; shorter tokens
    must be equal ("no"/"now", "the"/"then" differ) unless they are homophones
    ("for"/"four": similarity ``HOMOPHONE_SIMILARITY``)."""
    import numpy as np
    from rapidfuzz import fuzz, process

    vocab_set = set(vocab)
    out: dict[str, dict[str, float]] = {q: ({q: 1.0} if q in vocab_set else {}) for q in queries}
    by_key: dict[str, list[str]] = defaultdict(list)
    for v in vocab:
        by_key[homophone_key(v)].append(v)
    for q in queries:
        for v in by_key.get(homophone_key(q), ()):
            out[q].setdefault(v, HOMOPHONE_SIMILARITY)
    if queries and vocab:
        matrix = process.cdist(list(queries), list(vocab), scorer=fuzz.ratio,
                               score_cutoff=threshold * 100, dtype=np.uint8, workers=1)
        rows, cols = np.nonzero(matrix)
        for r, c in zip(rows.tolist(), cols.tolist()):
            q, v = queries[r], vocab[c]
            if q != v and min(len(q), len(v)) > 3 and v not in out[q]:
                out[q][v] = int(matrix[r, c]) / 100.0
    return out


def shortlist(index: ScriptIndex, stream: TokenStream, *, threshold: float,
              min_coverage: float, min_score: float) -> tuple[list[Window], dict]:
    """Windows worth aligning, plus the transcript-token → {script token: similarity} map."""
    tokens = stream.tokens
    if not tokens or not index.lines:
        return [], {}
    similar = fuzzy_vocab_map(sorted(set(tokens)), index.vocab, threshold)
    hits: dict[int, list] = defaultdict(list)
    for i, tok in enumerate(tokens):
        for script_tok in similar[tok]:
            for li, j in index.postings.get(script_tok, ()):
                hits[li].append((i, j))
    windows: list[Window] = []
    n_tok = len(tokens)
    for li, line_hits in hits.items():
        line_toks = index.tokens[li]
        n = len(line_toks)
        unseeded = n - index.seed_count[li]
        slack = 3 + n // 4      # insertions/deletions shift the diagonal a little
        by_offset = sorted(line_hits, key=lambda h: h[0] - h[1])
        cluster = [by_offset[0]]
        for hit in by_offset[1:] + [None]:
            if hit is not None and (hit[0] - hit[1]) - (cluster[-1][0] - cluster[-1][1]) <= slack:
                cluster.append(hit)
                continue
            hit_pos = {j for _, j in cluster}
            seen = {line_toks[j] for j in hit_pos}
            cover = sum(index.weights[t] for t in seen) / (index.seed_weight[li] or 1.0)
            # Upper bound on the share of the line that can match here.
            if cover >= min_coverage and (len(hit_pos) + unseeded) / n >= min_score:
                start = max(0, cluster[0][0] - cluster[0][1] - 2)
                end = min(n_tok, cluster[-1][0] - cluster[-1][1] + n + 2 + slack)
                windows.append(Window(li, start, end, min(1.0, cover)))
            if hit is not None:
                cluster = [hit]
    return windows, similar
