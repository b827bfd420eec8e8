"""Receiving an extract through the browser, within stated limits.

An upload is a JSON Lines file, or a .zip holding the three tables (people, convictions, custody,
all .csv or all .parquet). Limits are in settings and stated on the import page: the upload's
size (enforced while it arrives, so an oversized body is never stored), the number of members in
a zip, and the bytes its tables expand to (counted as they are read, not as the zip claims).
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

TABLES = ("people", "convictions", "custody")
TABLE_FILES = {f"{table}.{fmt}" for table in TABLES for fmt in ("csv", "parquet")}
SUFFIXES = (".jsonl", ".json", ".zip")
CHUNK = 1024 * 1024
TOO_BIG = "iom_upload_too_big"


class UploadRefused(ValueError):
    """The upload cannot be taken; the message says why, in words for the uploader."""


def megabytes(size: int) -> str:
    return f"{size // (1024 * 1024):,} MB"


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops reading a file once it passes IOM_UPLOAD_MAX_BYTES, and marks the request."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.IOM_UPLOAD_MAX_BYTES:
            setattr(self.request, TOO_BIG, True)
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def refused_before_receiving(request: Any, upload: UploadedFile | None) -> str:
    """Why an upload cannot even be started (shown on the form), or "" when it can."""
    if getattr(request, TOO_BIG, False):
        return f"The file is larger than {megabytes(settings.IOM_UPLOAD_MAX_BYTES)}: use `iom import` for large extracts"
    if upload is None:
        return "Choose a file to import"
    if not Path(upload.name or "").name.lower().endswith(SUFFIXES):
        return (
            "Choose a JSON Lines file (.jsonl), or a .zip of people, convictions and custody tables"
        )
    return ""


def receive(upload: UploadedFile, folder: Path) -> Path:
    """The upload saved under `folder`: the JSON Lines file, or the folder of tables from the zip."""
    name = Path(upload.name or "extract").name.lower()
    if (upload.size or 0) > settings.IOM_UPLOAD_MAX_BYTES:
        raise UploadRefused(f"The file is larger than {megabytes(settings.IOM_UPLOAD_MAX_BYTES)}")
    path = folder / name
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return unpack(path) if name.endswith(".zip") else path


def unpack(archive: Path) -> Path:
    """The tables out of a zip, by file name only (no path in the zip is trusted)."""
    folder = archive.with_suffix("")
    folder.mkdir()
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = zipped.infolist()
            if len(members) > settings.IOM_UPLOAD_MAX_MEMBERS:
                raise UploadRefused(
                    f"The .zip holds {len(members):,} files; at most {settings.IOM_UPLOAD_MAX_MEMBERS} are accepted"
                )
            budget = settings.IOM_UPLOAD_MAX_EXPANDED_BYTES
            for member in members:
                base = Path(member.filename).name.lower()
                if base not in TABLE_FILES or member.is_dir():
                    continue
                if (folder / base).exists():
                    raise UploadRefused(f"The .zip holds {base} more than once")
                budget -= _extract(zipped, member, folder / base, budget)
    except UploadRefused:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        zlib.error,
        OSError,
        ValueError,
    ) as error:
        raise UploadRefused(f"The file is not a readable .zip ({error})") from None
    except (NotImplementedError, RuntimeError) as error:  # unknown compression, encryption
        raise UploadRefused(f"The .zip cannot be opened: {error}") from None
    found = {p.name for p in folder.iterdir()}
    if not any({f"{table}.{fmt}" for table in TABLES} <= found for fmt in ("csv", "parquet")):
        raise UploadRefused(
            "The .zip must hold people, convictions and custody, all .csv or all .parquet"
        )
    return folder


def _extract(zipped: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, budget: int) -> int:
    """Copy one member, stopping as soon as the zip's tables expand past the limit."""
    written = 0
    with zipped.open(member) as source, target.open("wb") as out:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if written > budget:
                raise UploadRefused(
                    "The .zip's tables expand to more than "
                    f"{megabytes(settings.IOM_UPLOAD_MAX_EXPANDED_BYTES)}: use `iom import` for large extracts"
                )
            out.write(chunk)
    return written
