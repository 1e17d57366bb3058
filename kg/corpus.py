"""The built corpus, kept between builds so a rebuild touches only the articles that changed.

Each story (an article, maybe read from several files) is kept as a block of Turtle of its
own triples and, beside it, its partial projection; a state file records for every story the
files it was read from (path, size, mtime), its cache key, its summary, a hash of each of its
triples and a digest of its partial projection. A file whose stamp has not changed is not
even read again; graph.ttl is the blocks one after another (an entity several articles
describe is described in each of their blocks: the same triples, so the same graph), and
the page and report come from the merged partial projections. No step of a build holds
the whole graph as Python objects.

The corpus lives in the build's cache folder; without one it is kept in memory. A build that
dies half-way leaves a marker behind, and the next build starts the corpus afresh (from the
extraction cache, so without re-extracting): what is kept is never half-updated.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from rdflib import Graph

from kg.analyze.projection import PartialMerge, PartialProjection, Projection
from kg.errors import KgError, OutputError
from kg.model import Extraction
from kg.settings import PACKAGE_DIR, Settings

STATE_MAGIC = b"KGCORPUS4\n"
_MARKER = "BUILDING"
_STATE = "state.pkl"
_BLOCKS = "blocks"
_GENERATION = "generation"  # bumped by every build, so a stale view knows it is stale
# The code that turns an extraction into triples and a partial projection, and the reader
# whose output an unchanged file stamp stands for: a change to any of them rebuilds the corpus.
_SHAPING = ("graph.py", "namespaces.py", "corpus.py", "analyze/projection.py", "read")


def corpus_fingerprint(settings: Settings) -> str:
    """The extraction fingerprint plus the code that makes triples out of an extraction."""
    from kg.cache import _hash_files, fingerprint

    h = hashlib.sha256(fingerprint(settings).encode())
    for name in _SHAPING:
        path = PACKAGE_DIR / name
        if path.is_dir():
            _hash_files(h, path, "*.py")
        else:
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


@dataclass(frozen=True)
class FileStamp:
    """What says a file is unchanged without reading it."""

    path: str  # absolute
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileStamp:
        st = path.stat()
        return cls(str(path.resolve()), st.st_size, st.st_mtime_ns)


@dataclass(frozen=True)
class ArticleGraph:
    """One article's triples (a Turtle block, prefixes left out), a 64-bit hash of each
    triple (to count the union without holding it) and its partial projection; made where
    the article was extracted, so the build process only files them."""

    iri: str
    turtle: bytes
    hashes: bytes
    partial: bytes  # its PartialProjection, pickled: the build process only files it
    entities: int
    events: int


def _prefixes() -> dict[str, str]:
    from kg.namespaces import PREFIXES

    return {k: str(v) for k, v in PREFIXES.items()}


def turtle_header() -> bytes:
    """The @prefix lines every block is written against."""
    return b"".join(f"@prefix {k}: <{v}> .\n".encode() for k, v in _prefixes().items())


def article_graph(x: Extraction) -> ArticleGraph:
    """The triples and partial projection of one extraction.

    The triples go into a plain set (an rdflib Graph costs far more per triple) and are
    put in order as N-Triples lines, so the block is the same bytes whatever the hash seed."""
    import numpy as np
    import pyoxigraph as ox

    from kg.analyze.projection import partial_projection
    from kg.graph import add_extraction, article_iri, to_oxigraph

    triples: set = set()
    add_extraction(triples, x)
    nt = ox.serialize(to_oxigraph(triples), format=ox.RdfFormat.N_TRIPLES)
    lines = sorted(nt.splitlines())
    hashes = np.array([int.from_bytes(hashlib.blake2b(line, digest_size=8).digest(), "little")
                       for line in lines], dtype=np.uint64)
    ordered = ox.parse(b"\n".join(lines), format=ox.RdfFormat.N_TRIPLES)
    turtle = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=_prefixes())
    # the serializer declares the prefixes it used; graph.ttl declares them all, once
    body = turtle.split(b"\n")
    declared = next((i for i, line in enumerate(body) if not line.startswith(b"@prefix ")),
                    len(body))
    return ArticleGraph(iri=str(article_iri(x.article)), turtle=b"\n".join(body[declared:]),
                        hashes=hashes.tobytes(),
                        partial=pickle.dumps(partial_projection(triples), protocol=5),
                        entities=len(x.entities), events=len(x.events))


@dataclass(frozen=True)
class StoryRecord:
    """What the corpus keeps of one story (an article, maybe read from several files)."""

    iri: str
    files: tuple[FileStamp, ...]
    article_key: str  # the extraction cache's key: same key, same triples
    article_id: str
    path: str
    entities: int
    events: int
    hashes: bytes
    # The partial projection, pickled, is kept in a file beside the block (None here once
    # the state is saved) and checked against this digest when read: saving and loading the
    # state stay quick, so a rebuild starts extracting at once and merges meanwhile.
    partial: bytes | None
    partial_digest: bytes


def _digest(blob: bytes) -> bytes:
    return hashlib.blake2b(blob, digest_size=16).digest()


class CorpusStore:
    """The blocks and state of a built corpus: ``commit`` at the end of a good build."""

    def __init__(self, root: Path | None, fingerprint: str, *, fresh: bool = False,
                 warn: Callable[[str], None] | None = None) -> None:
        self.root = root
        self.fingerprint = fingerprint
        self._warn = warn or (lambda msg: None)
        self.stories: dict[str, StoryRecord] = {}
        self._premerged: _Premerge | None = None
        self._memory: dict[str, bytes] = {}  # the blocks, when there is no folder
        self._lock = None
        if root is not None:
            self._lock = _lock(root)
            state = None if fresh else self._load_state()
            if state is None:
                shutil.rmtree(root / _BLOCKS, ignore_errors=True)
            else:
                self.stories = state
            try:
                (root / _BLOCKS).mkdir(parents=True, exist_ok=True)
                (root / _MARKER).write_text(str(os.getpid()), encoding="utf-8")
            except OSError as e:
                raise OutputError(f"cannot write the corpus in {root}: {e.strerror or e} "
                                  "(choose another --cache-dir or --out)") from e
        self._by_file = {f: key for key, rec in self.stories.items() for f in rec.files}

    # --- state -------------------------------------------------------------------------

    def _load_state(self) -> dict[str, StoryRecord] | None:
        """The recorded stories, or None when there are none to trust."""
        root = self.root
        if not (root / _STATE).exists():
            return None
        if (root / _MARKER).exists():
            self._warn("the previous build into this folder stopped half-way; "
                       "rebuilding its corpus from the extraction cache")
            return None
        from kg.cache import unseal
        from kg.heap import long_lived

        try:
            with long_lived():
                state = unseal((root / _STATE).read_bytes(), STATE_MAGIC)
        except OSError:
            state = None
        if not (isinstance(state, tuple) and len(state) == 2):  # torn or foreign: start afresh
            self._warn(f"the corpus state in {root} is unreadable; rebuilding the corpus")
            return None
        fingerprint, stories = state
        return stories if fingerprint == self.fingerprint else None

    def _write_state(self) -> None:
        from kg.cache import seal

        saved = {k: replace(r, partial=None) if r.partial is not None else r
                 for k, r in self.stories.items()}
        _write_atomic(self.root / _STATE, seal((self.fingerprint, saved), STATE_MAGIC))

    def _block(self, key: str) -> Path:
        return self.root / _BLOCKS / key[:2] / f"{key[2:]}.ttl"

    def _partial_file(self, key: str) -> Path:
        return self.root / _BLOCKS / key[:2] / f"{key[2:]}.projection"

    def partial(self, key: str, rec: StoryRecord) -> PartialProjection:
        """A story's partial projection: from memory, else its file; a file that does not
        match the digest the state recorded (torn, lost) is made again from the block."""
        blob = rec.partial
        if blob is None:
            try:
                blob = self._partial_file(key).read_bytes()
            except OSError:
                blob = b""
            if _digest(blob) != rec.partial_digest:
                return self._partial_from_block(key, rec)
        return pickle.loads(blob)

    def _partial_from_block(self, key: str, rec: StoryRecord) -> PartialProjection:
        from kg.analyze.projection import partial_projection
        from kg.graph import new_graph

        self._warn(f"the corpus's projection of {rec.path} was damaged; made again from its "
                   "triples")
        g = new_graph()
        try:
            g.parse(data=(turtle_header() + self._block(key).read_bytes()).decode("utf-8"),
                    format="turtle")
        except (OSError, ValueError, SyntaxError) as e:
            raise KgError(f"the corpus in {self.root} is damaged ({rec.path}): build again "
                          "with --fresh") from e
        return partial_projection(g)

    # --- what is there -----------------------------------------------------------------

    def story_of(self, stamp: FileStamp) -> str | None:
        """The story an unchanged file was read into last time, or None."""
        return self._by_file.get(stamp)

    def record(self, key: str) -> StoryRecord | None:
        return self.stories.get(key)

    # --- changes -------------------------------------------------------------------------

    def restamp(self, key: str, files: tuple[FileStamp, ...]) -> None:
        """The story's files were touched but read the same: only their stamps change."""
        self.stories[key] = replace(self.stories[key], files=files)

    def put(self, key: str, files: tuple[FileStamp, ...], article_key: str, path: str,
            article_id: str, ag: ArticleGraph) -> None:
        """Keep (or replace) a story's triples."""
        if self.root is None:
            self._memory[key] = ag.turtle
        else:
            block = self._block(key)
            block.parent.mkdir(exist_ok=True)
            block.write_bytes(ag.turtle)
            self._partial_file(key).write_bytes(ag.partial)
        self.stories[key] = StoryRecord(ag.iri, files, article_key, article_id, path,
                                        ag.entities, ag.events, ag.hashes, ag.partial,
                                        _digest(ag.partial))

    def keep_only(self, keys: Iterable[str]) -> int:
        """Drop every story not among ``keys`` (its files are gone from the inputs)."""
        gone = set(self.stories) - set(keys)
        for key in gone:
            del self.stories[key]
            if self.root is None:
                self._memory.pop(key, None)
            else:
                self._block(key).unlink(missing_ok=True)
                self._partial_file(key).unlink(missing_ok=True)
        return len(gone)

    def commit(self) -> None:
        """Make the state durable, then clear the half-way marker."""
        if self.root is None:
            return
        self._write_state()
        generation = _generation(self.root) + 1
        (self.root / _GENERATION).write_text(str(generation), encoding="utf-8")
        (self.root / _MARKER).unlink(missing_ok=True)

    def close(self) -> None:
        """Let the next build in (the lock goes with the process anyway)."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    # --- views -----------------------------------------------------------------------------

    def premerge(self, keys: Iterable[str],
                  then: Callable[[Projection], None] | None = None) -> None:
        """Start merging these stories' projections and triple counts in a thread: the ones
        this build leaves as they are, merged while the others are being extracted. ``then``
        gets their projection in that thread, once merged."""
        self._premerged = _Premerge({k: self.stories[k] for k in keys}, self.partial, then)
        self._premerged.start()

    def view(self) -> CorpusView:
        """What the outputs need after the build; blocks in the order of their article IRIs,
        so the same stories give the same graph.ttl however they were built."""
        import numpy as np

        keys = sorted(self.stories, key=lambda k: (self.stories[k].iri, k))
        merge, unique = PartialMerge(), np.empty(0, dtype=np.uint64)  # sorted
        pre, self._premerged = self._premerged, None
        done: set[str] = set()
        if pre is not None:
            pre.join()
            if pre.error is not None:
                raise pre.error
            # stories changed since the merge began would count twice: then merge afresh
            if all(self.stories.get(k) is r for k, r in pre.records.items()):
                merge, unique, done = pre.merge, pre.unique, set(pre.records)
        rest = [k for k in keys if k not in done]
        triples = unique.size
        if rest:
            more = _sorted_unique(np.concatenate(
                [np.frombuffer(self.stories[k].hashes, dtype=np.uint64) for k in rest]))
            if unique.size:  # those not among the merged ones' (binary search, no re-sort)
                at = np.searchsorted(unique, more).clip(max=unique.size - 1)
                triples += int(np.count_nonzero(unique[at] != more))
            else:
                triples = more.size
        if self.root is None:
            blocks: list[Path] | list[bytes] = [self._memory[k] for k in keys]
        else:
            blocks = [self._block(k) for k in keys]
        return CorpusView(blocks=blocks, iris=[self.stories[k].iri for k in keys],
                          root=self.root,
                          generation=None if self.root is None else _generation(self.root),
                          merge=merge,
                          partials=[functools.partial(self.partial, k, self.stories[k])
                                    for k in rest],
                          triples=int(triples))


def _sorted_unique(a):
    """np.unique for a flat array of hashes, by one sort (numpy's own takes four times as
    long on a large corpus)."""
    import numpy as np

    a = np.sort(a)
    if a.size < 2:
        return a
    return a[np.concatenate(([True], a[1:] != a[:-1]))]


class _Premerge(threading.Thread):
    """The merged projection and distinct triple hashes of some stories, made in a thread
    (the build's main thread is mostly waiting for its extraction workers meanwhile)."""

    def __init__(self, records: dict[str, StoryRecord],
                 partial: Callable[[str, StoryRecord], PartialProjection],
                 then: Callable[[Projection], None] | None) -> None:
        super().__init__(name="kg-premerge", daemon=True)
        self.records = records
        self._partial = partial
        self._then = then
        self.merge = PartialMerge()
        self.unique = None
        self.error: BaseException | None = None

    def run(self) -> None:
        import numpy as np

        from kg.heap import long_lived

        try:
            with long_lived():
                for key, rec in self.records.items():
                    self.merge.add(self._partial(key, rec))
                merged = self.merge.result()  # finished; later parts redo what they touch
                hashes = [np.frombuffer(r.hashes, dtype=np.uint64) for r in self.records.values()]
                self.unique = _sorted_unique(np.concatenate(hashes) if hashes
                                             else np.empty(0, dtype=np.uint64))
                if self._then is not None:
                    self._then(merged)
        except BaseException as e:  # noqa: BLE001 - raised again by view()
            self.error = e


def _lock(root: Path):
    """One build at a time per corpus: a second one stops at once with a clear error."""
    import fcntl

    try:
        root.mkdir(parents=True, exist_ok=True)
        f = open(root / "LOCK", "a")  # noqa: SIM115 - held open for the build's lifetime
    except OSError as e:
        raise OutputError(f"cannot write the corpus in {root}: {e.strerror or e} "
                          "(choose another --cache-dir or --out)") from e
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        raise OutputError(f"another build is using {root} (wait for it to finish, or "
                          "build into another --out)") from None
    return f


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _generation(root: Path) -> int:
    try:
        return int((root / _GENERATION).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0


class CorpusView:
    """The union graph of a finished build: written out block by block, projected from the
    stories' partial projections, or loaded into rdflib only when somebody asks for it."""

    def __init__(self, *, blocks: list, iris: list[str], root: Path | None,
                 generation: int | None, merge: PartialMerge,
                 partials: list[Callable[[], PartialProjection]],
                 triples: int) -> None:
        self._blocks = blocks
        self._iris = iris
        self._root = root
        self._generation = generation
        self._merge = merge  # the stories merged already
        self._partials = partials  # loaders of the others' partial projections
        self._projection: Projection | None = None
        self.triples = triples  # distinct triples in the union

    def projection(self) -> Projection:
        """The entity-level projection of the union, made once."""
        from kg.heap import long_lived

        if self._projection is None:
            with long_lived():
                for load in self._partials:
                    self._merge.add(load())
                self._partials = []
                self._projection = self._merge.result()
        return self._projection

    def _write(self, out) -> None:
        if self._root is not None and _generation(self._root) != self._generation:
            raise KgError(f"a later build has changed the corpus in {self._root} since this "
                          "result was made (load that build's graph.ttl with kg.load_graph)")
        out.write(turtle_header())
        for iri, block in zip(self._iris, self._blocks, strict=True):
            out.write(f"\n# from {iri}\n".encode())
            if isinstance(block, bytes):
                out.write(block)
            else:
                with open(block, "rb") as f:
                    shutil.copyfileobj(f, out)

    def write_turtle(self, path: Path) -> None:
        """graph.ttl: the prefixes, then each article's block (an entity that several
        articles describe is described in each of their blocks)."""
        with open(path, "wb") as f:
            self._write(f)

    def graph(self) -> Graph:
        """The whole union as an rdflib Graph (about 1 KB of memory per triple)."""
        from kg.graph import new_graph

        buf = io.BytesIO()
        self._write(buf)
        g = new_graph()
        g.parse(data=buf.getvalue().decode("utf-8"), format="turtle")
        return g
