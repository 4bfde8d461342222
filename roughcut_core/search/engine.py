"""The one search-engine interface, and the query logic every engine shares.

An engine stores :class:`~.model.IndexedFile` rows (keyed by content), their
:class:`~.model.SearchDoc` utterances and a vocabulary (term → phonetic key) used for fuzzy
matching. Subclasses implement the storage primitives (``put_file``, ``remove_file``,
``move_file``, ``get_file``, ``files_under``, ``_candidates``, ``_similar_terms``, script
lines); :meth:`SearchEngine.search` plans the query, expands words fuzzily, asks the engine
for candidates (all words first, then any word when none has them all) and scores them
with :func:`~.query.score_doc`, so results are ranked the same on every engine.

Every write of one file is one transaction: a concurrent writer never sees half a file,
and two processes indexing at once lose nothing.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

from ..errors import RoughcutError
from .model import Filters, IndexedFile, ScriptLineRecord, SearchDoc, SearchHit
from .query import QueryPlan, parse_query, score_doc
from .text import edit_distance, max_typos, phonetic


MAX_EXPANSIONS = 12
# Words so common that matching them in the engine costs more than it filters.
STOPWORDS = frozenset("""a an and are as at be but by do for from have he her his i if in is it me my
no not of on or so that the their them then there they this to was we were what when who will
with would you your""".split())


def _has_phrases(words, phrases) -> bool:
    """Whether every phrase (token tuple) occurs as a contiguous run of the words' tokens (a
    stored word of several tokens, "well-known", gives each, as the engines index it)."""
    from .query import doc_tokens

    toks = doc_tokens(words)[0]
    for p in phrases:
        n = len(p)
        if not any(tuple(toks[i:i + n]) == tuple(p) for i in range(len(toks) - n + 1)):
            return False
    return True


class SearchIndexError(RoughcutError):
    """The index cannot be opened or used (unreachable server, newer schema, corrupt store)."""


@dataclass(frozen=True)
class Candidate:
    """A stored utterance with its file, as an engine returns it for scoring."""

    content_key: str
    path: str
    rate_num: int
    rate_den: int
    start_frame: int
    drop_frame: bool
    doc: SearchDoc
    rank: float = 0.0


def timecode_at(seconds: float, rate_num: int, rate_den: int, start_frame: int, drop_frame: bool) -> str:
    """Source timecode ``HH:MM:SS:FF`` of a time in a file (frame floor, DESIGN §3)."""
    from ..timebase import Rate, frames_to_timecode, seconds_to_frame_floor

    rate = Rate(rate_num, rate_den)
    drop = bool(drop_frame) and rate.supports_drop_frame
    return frames_to_timecode(start_frame + seconds_to_frame_floor(max(0.0, seconds), rate), rate, drop)


class SearchEngine(abc.ABC):
    """Base class of the embedded (SQLite FTS5) and server (PostgreSQL) engines."""

    name = "engine"
    url = ""

    # ---- storage primitives -------------------------------------------------------------
    @abc.abstractmethod
    def put_file(self, file: IndexedFile, docs: Sequence[SearchDoc]) -> None:
        """Replace everything stored for ``file.content_key`` (and any other content that was
        at ``file.path``) with ``file`` and ``docs``, atomically."""

    @abc.abstractmethod
    def move_file(self, content_key: str, path: str) -> None:
        """Record that the content ``content_key`` now lives at ``path``."""

    @abc.abstractmethod
    def remove_file(self, content_key: str) -> None:
        """Forget a file and its utterances."""

    @abc.abstractmethod
    def get_file(self, content_key: str) -> Optional[IndexedFile]:
        """The stored file with that content key, or None."""

    @abc.abstractmethod
    def files_under(self, folder: str) -> list[IndexedFile]:
        """Stored files whose path is ``folder`` or inside it ('' = every file)."""

    @abc.abstractmethod
    def _candidates(self, groups: Sequence[Sequence[str]], phrases: Sequence[Sequence[str]],
                    require_all: bool, filters: Filters, limit: int, ranked: bool = True,
                    exact: Sequence[Sequence[str]] = ()) -> list[Candidate]:
        """Utterances matching the term groups (each group: alternatives, OR) and phrases;
        all groups when ``require_all`` else any; passing ``filters``; best engine rank first
        (``ranked``) or in index order (cheap: the engine stops after ``limit``).
        With no groups and no phrases: every utterance passing the filters, in index order.
        ``exact``: every quoted phrase of the query (each must occur in the results; checked
        after the engine, an engine may use them to narrow its reads)."""

    @abc.abstractmethod
    def _similar_terms(self, word: str, phon: str) -> set[str]:
        """Vocabulary terms with phonetic key ``phon`` or spelled like ``word`` (a superset)."""

    @abc.abstractmethod
    def put_script_lines(self, lines: Iterable[ScriptLineRecord]) -> None:
        """Replace the script lines the index knows."""

    @abc.abstractmethod
    def script_lines(self) -> list[ScriptLineRecord]:
        """The script lines the index knows, in script order."""

    @abc.abstractmethod
    def covered_line_ids(self) -> set[str]:
        """Line ids that at least one indexed utterance reads."""

    @abc.abstractmethod
    def stats(self) -> dict:
        """``{"files", "utterances", "words", "bytes"}`` of the store."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the connection."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- shared query logic -------------------------------------------------------------
    def _common_terms(self) -> frozenset:
        """Terms too frequent to drive the engine's candidate query (their posting lists are
        huge). Default: :data:`STOPWORDS`; an engine with per-term document frequencies
        returns the terms in more than a small fraction of its utterances as well."""
        return STOPWORDS

    def expand(self, word: str) -> set[str]:
        """Fuzzy alternatives of a query word of 4+ letters: the :data:`MAX_EXPANSIONS` nearest
        (by edit distance) vocabulary terms that sound the same or are within its typo allowance."""
        if len(word) < 4 or word in self._common_terms():
            return set()
        phon = phonetic(word)
        typos = max_typos(word)
        found = []
        for term in self._similar_terms(word, phon):
            if term == word:
                continue
            dist = edit_distance(term, word, 4)
            if dist <= typos or (len(term) >= 3 and phonetic(term) == phon):
                found.append((dist, term))
        return {t for _, t in sorted(found)[:MAX_EXPANSIONS]}

    def search(self, query: str, limit: int = 20, filters: Optional[Filters] = None) -> list[SearchHit]:
        """The best ``limit`` hits for ``query`` (syntax in :mod:`.query`), best first."""
        plan = parse_query(query, filters)
        return self.search_plan(plan, limit)

    def search_plan(self, plan: QueryPlan, limit: int = 20) -> list[SearchHit]:
        """Hits for a parsed query. Common words (:data:`STOPWORDS`) are left out of what the
        engine matches whenever the query has a rarer word (their posting lists are huge), and
        quoted phrases are then checked word by word here; the scoring still sees every word."""
        limit = max(1, int(limit))
        words = list(dict.fromkeys(plan.words))
        expansions = {w: self.expand(w) for w in words}
        if not words and not plan.phrases:
            cands = self._candidates([], [], True, plan.filters, limit)
            return [self._hit(c, 1.0, 0, len(c.doc.words)) for c in cands]
        stop = self._common_terms()
        groups, phrases = self._engine_terms(words, plan.phrases, expansions, stop)
        common = all(g[0] in stop for g in groups) and all(t in stop for p in phrases for t in p)
        # only common words: every ranking would read huge posting lists, so take the first
        # matches in index order and let the scoring below rank them
        pool = max(50, limit * 5) if phrases == list(plan.phrases) and not common else max(100, limit * 5)
        cands = self._candidates(groups, phrases, True, plan.filters, pool, ranked=not common, exact=plan.phrases)
        if plan.phrases:
            cands = [c for c in cands if _has_phrases(c.doc.words, plan.phrases)]
        if not cands and len(words) + len(plan.phrases) > 1:  # nothing has every word: any word
            all_groups = [[w, *sorted(expansions[w])] for w in words]
            cands = self._candidates(all_groups, list(plan.phrases), False, plan.filters, max(50, limit * 5))
        query_tokens = plan.all_tokens
        scored = []
        for c in cands:
            score, a, b = score_doc(query_tokens, expansions, c.doc.words)
            if score > 0:
                scored.append((score, c, a, b))
        scored.sort(key=lambda s: (-round(s[0], 6), s[1].path, s[1].doc.start))
        return [self._hit(c, score, a, b) for score, c, a, b in scored[:limit]]

    @staticmethod
    def _engine_terms(words, phrases, expansions, stop=STOPWORDS) -> tuple[list, list]:
        """(groups, phrases) the engine matches: see :meth:`search_plan`; ``stop``: the common terms."""
        rare = [w for w in words if w not in stop]
        rare_in_phrases = [t for p in phrases for t in p if t not in stop]
        if not rare and not rare_in_phrases:
            return [[w, *sorted(expansions[w])] for w in words], list(phrases)
        groups = [[w, *sorted(expansions[w])] for w in rare]
        engine_phrases = []
        for p in phrases:
            if all(t in stop for t in p):
                engine_phrases.append(p)
            else:
                groups += [[t] for t in dict.fromkeys(p) if t not in stop and [t] not in groups]
        return groups, engine_phrases

    @staticmethod
    def _hit(c: Candidate, score: float, a: int, b: int) -> SearchHit:
        d = c.doc
        if d.words and 0 <= a < b <= len(d.words):
            start, end = d.words[a][1], d.words[b - 1][2]
        else:
            start, end = d.start, d.end
        return SearchHit(path=c.path, start=start, end=end,
                         timecode=timecode_at(start, c.rate_num, c.rate_den, c.start_frame, c.drop_frame),
                         text=d.text, speaker=d.character or d.speaker, score=score,
                         content_key=c.content_key, seq=d.seq, utterance_start=d.start, utterance_end=d.end,
                         shot_size=d.shot_size, line_ids=d.line_ids, quality=d.quality)

    def takes_of_line(self, line_id: str, limit: int = 100) -> list[SearchHit]:
        """Every indexed utterance that reads script line ``line_id``."""
        return self.search_plan(parse_query("", Filters(line_id=line_id)), limit)

    def uncovered_lines(self) -> list[ScriptLineRecord]:
        """Script lines no indexed utterance reads yet."""
        covered = self.covered_line_ids()
        return [line for line in self.script_lines() if line.line_id not in covered]
