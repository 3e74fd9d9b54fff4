import pytest


@pytest.fixture(autouse=True)
def report_media(settings, tmp_path):
    """The PDFs the tests make are kept under the test's own folder, not the checkout's media/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"
