"""Fixtures of the attachments tests: storage and temporary uploads under pytest's tmp_path."""

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def attachment_storage(settings, tmp_path: Path) -> Path:
    """Every test writes its files into its own media root and upload temp dir."""
    media_root = tmp_path / "media"
    upload_tmp = tmp_path / "upload-tmp"
    media_root.mkdir()
    upload_tmp.mkdir()
    settings.MEDIA_ROOT = media_root
    settings.FILE_UPLOAD_TEMP_DIR = str(upload_tmp)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(media_root)}},
    }
    return media_root


@pytest.fixture
def upload_tmp_dir(settings, attachment_storage: Path) -> Path:
    return Path(settings.FILE_UPLOAD_TEMP_DIR)
