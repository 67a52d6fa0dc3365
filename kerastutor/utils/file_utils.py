"""`get_file`: the cached copy of a file named by its URL, as `keras.utils.get_file`.

Keras downloads the file on first use into `~/.keras/datasets/`. kerastutor
does the same when the machine is online; where it has no network (a
classroom sandbox, a train), it says so, names the URL, and says where to put
a copy made elsewhere, so the same call works next time.
"""

import hashlib
import os
import pathlib
import shutil
import tarfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile

__all__ = ["get_file"]

_TIMEOUT_SECONDS = 10


def get_file(
    fname=None,
    origin=None,
    untar=False,
    md5_hash=None,
    file_hash=None,
    cache_subdir="datasets",
    hash_algorithm="auto",
    extract=False,
    archive_format="auto",
    cache_dir=None,
    force_download=False,
):
    """The local path of the file at `origin`, downloading it if it is not cached.

    The file lives at `<cache_dir>/<cache_subdir>/<fname>`; `cache_dir`
    defaults to `$KERAS_HOME` or `~/.keras`, as in Keras. A file already
    there is used as it is (after checking `file_hash`, if given). The
    arguments and the paths returned are Keras 3's.

    Example:
        >>> path = get_file("data.csv", origin="https://example.com/data.csv")  # doctest: +SKIP

    Args:
        fname: the file's local name (no folders); None takes the last part
            of `origin`.
        origin: the file's URL.
        untar: older spelling of `extract=True` for a tar archive.
        md5_hash: older spelling of `file_hash` with `hash_algorithm='md5'`.
        file_hash: the expected sha256 or md5 hex digest, or None.
        cache_subdir: the folder under `cache_dir` (or an absolute path).
        hash_algorithm: 'sha256', 'md5' or 'auto' (sha256 for a 64-digit hash).
        extract: unpack a .zip or .tar(.gz) archive and return the folder it
            was unpacked into: `<fname up to its first dot>_extracted` when
            `fname` has an extension, else `<fname>` (the archive itself is
            then kept as `<fname>_archive`), as Keras names them.
        archive_format: 'auto', 'tar' or 'zip' (for `extract`).
        cache_dir: where the cache lives.
        force_download: download even if the file is cached.

    Returns:
        The path (a string) of the file, or of the unpacked folder.

    Raises:
        ValueError: without an `origin`, for an `fname` with folders in it,
            or when the downloaded file's hash is wrong.
        ConnectionError: when the file is not cached and cannot be
            downloaded; the message names the URL and the path to copy the
            file to.
    """
    if origin is None:
        raise ValueError("get_file needs `origin`, the URL of the file to fetch.")
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    given_name = fname
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(
                f"Cannot take a file name from origin {origin!r}: pass `fname` as well."
            )
    elif os.sep in str(fname):
        raise ValueError(
            f"`fname` is the file's name, without folders, received {fname!r}. "
            "Pass the folder as `cache_dir` (or `cache_subdir`)."
        )
    fname = str(fname)
    if cache_dir is None:
        cache_dir = os.environ.get("KERAS_HOME", os.path.join("~", ".keras"))
    folder = pathlib.Path(cache_dir).expanduser() / cache_subdir
    extract = extract or untar
    if not extract:
        target = folder / fname
    elif given_name and "." in fname:
        target = folder / fname
        unpacked = folder / f"{fname[: fname.find('.')]}_extracted"
    else:
        target = folder / f"{fname}_archive"
        unpacked = folder / fname
    if (
        force_download
        or not target.exists()
        or not _hash_matches(target, file_hash, hash_algorithm)
    ):
        _download(origin, target)
        if not _hash_matches(target, file_hash, hash_algorithm):
            target.unlink()
            raise ValueError(
                f"The file downloaded from {origin} does not have the expected hash "
                f"{file_hash}: it is incomplete or not the file you meant."
            )
    if not extract:
        return str(target)
    if force_download or not unpacked.exists():
        _unpack(target, unpacked, archive_format, untar)
    return str(unpacked)


def _unpack(archive, folder, archive_format, untar):
    """Unpack a zip or tar (.gz, .bz2, ...) archive into `folder`."""
    if (
        untar
        or archive_format == "tar"
        or (archive_format == "auto" and tarfile.is_tarfile(archive))
    ):
        # tarfile reads any compression; the 'data' filter refuses members that
        # would land outside `folder` (absolute paths, '..').
        options = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        shutil.unpack_archive(str(archive), str(folder), "tar", **options)
    elif archive_format in ("zip", "auto") and zipfile.is_zipfile(archive):
        shutil.unpack_archive(str(archive), str(folder), "zip")
    else:
        raise ValueError(
            f"{archive} is not a {'zip or tar' if archive_format == 'auto' else archive_format} "
            "archive, so it cannot be extracted: pass extract=False to get the file itself."
        )


def _download(origin, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(origin, timeout=_TIMEOUT_SECONDS) as response:
            with open(partial, "wb") as file:
                shutil.copyfileobj(response, file)
    except urllib.error.HTTPError as error:  # the server answered, with an error
        partial.unlink(missing_ok=True)
        raise ConnectionError(
            f"get_file could not download {origin}: the server answered {error.code} "
            f"{error.reason}, so the URL is probably wrong. {_put_it_there(target)}"
        ) from error
    except OSError as error:  # no answer at all: no network, no DNS, a timeout
        partial.unlink(missing_ok=True)
        raise ConnectionError(
            f"get_file could not download {origin}: this machine has no network access "
            f"({error}). {_put_it_there(target)}"
        ) from error
    partial.replace(target)


def _put_it_there(target):
    return (
        f"Download it on a machine with network access, copy it to {target}, and run this "
        "again: get_file uses a file that is already there without downloading it."
    )


def _hash_matches(path, file_hash, algorithm):
    if file_hash is None:
        return True
    if algorithm == "auto":
        algorithm = "md5" if len(file_hash) == 32 else "sha256"
    digest = hashlib.new(algorithm)
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest() == file_hash
