"""The content-addressed file store: atomic, deduplicating, clean after failures, confined."""

import hashlib
import io
from pathlib import Path

import pytest

from journal.storage import FileStore, StoredTooLarge, file_store


def everything(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


class WatchedStream(io.BytesIO):
    """Records what the store's folder holds while the upload is still being read."""

    def __init__(self, data: bytes, root: Path):
        super().__init__(data)
        self.root = root
        self.seen_during_read = []

    def read(self, size=-1):
        if self.root.exists():
            self.seen_during_read.append([p.name for p in everything(self.root)])
        return super().read(size)


class FailingStream(io.BytesIO):
    """Delivers one chunk, then the connection drops."""

    def __init__(self, error: BaseException):
        super().__init__(b"x" * 2_000_000)
        self.error = error
        self.reads = 0

    def read(self, size=-1):
        self.reads += 1
        if self.reads > 1:
            raise self.error
        return super().read(size)


def test_put_writes_under_the_sha_through_a_temporary_file(tmp_path):
    store = FileStore(tmp_path / "files")
    data = "Tập san KH&CN ĐBSCL".encode() * 100_000  # larger than one chunk
    stream = WatchedStream(data, store.root)
    blob = store.put(stream)
    sha = hashlib.sha256(data).hexdigest()
    assert (blob.sha256, blob.size) == (sha, len(data))
    final = store.root / sha[:2] / sha[2:4] / sha
    assert everything(store.root) == [final]
    assert final.read_bytes() == data
    # While reading, only the temporary file existed: never a partial file under its name.
    assert stream.seen_during_read
    for names in stream.seen_during_read:
        assert all(name.startswith(".incoming-") for name in names)
    with store.open(sha) as f:
        assert f.read() == data
    assert store.exists(sha)


def test_the_same_content_is_stored_once_and_never_rewritten(tmp_path):
    store = FileStore(tmp_path)
    first = store.put_bytes(b"manuscript v1")
    path = store.path_for(first.sha256)
    stamp = path.stat().st_mtime_ns
    inode = path.stat().st_ino
    second = store.put(io.BytesIO(b"manuscript v1"))
    assert second == first
    assert everything(tmp_path) == [path]
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == (stamp, inode)
    other = store.put_bytes(b"manuscript v2")
    assert other.sha256 != first.sha256
    assert len(everything(tmp_path)) == 2


@pytest.mark.parametrize("error", [OSError("connection reset"), KeyboardInterrupt()])
def test_a_failure_mid_stream_leaves_no_file(tmp_path, error):
    store = FileStore(tmp_path)
    store.put_bytes(b"an earlier file")
    before = everything(tmp_path)
    with pytest.raises(type(error)):
        store.put(FailingStream(error))
    assert everything(tmp_path) == before


def test_too_large_raises_and_leaves_no_file(tmp_path):
    store = FileStore(tmp_path)
    with pytest.raises(StoredTooLarge):
        store.put(io.BytesIO(b"x" * 1001), max_bytes=1000)
    assert everything(tmp_path) == []
    assert store.put(io.BytesIO(b"x" * 1000), max_bytes=1000).size == 1000


@pytest.mark.parametrize(
    "sha",
    [
        "../../../../etc/passwd",
        "../" + "a" * 61,
        "/" + "a" * 63,
        "a" * 63 + "/",
        "A" * 64,  # digests are lower-case hex
        "g" * 64,
        "a" * 63,
        "a" * 65,
        "",
        "a" * 62 + "\x00a",
    ],
)
def test_a_sha_that_could_leave_the_store_is_refused(tmp_path, sha):
    store = FileStore(tmp_path)
    for operation in (store.path_for, store.open, store.exists):
        with pytest.raises(ValueError):
            operation(sha)


def test_the_app_store_lives_in_storage_dir(app):
    store = file_store()
    blob = store.put_bytes(b"data")
    assert store.path_for(blob.sha256).is_relative_to(Path(app.config["STORAGE_DIR"]))
    assert store.path_for(blob.sha256).exists()
