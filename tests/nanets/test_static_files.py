"""Production's static files: collectstatic with hashed names finds every file a stylesheet refers to."""

from django.core.management import call_command


def test_collectstatic_with_hashed_names_post_processes_every_file(settings, tmp_path):
    # A vendored stylesheet naming a file that is not vendored (a source map) stops collectstatic, and
    # so `make serve` and every deployment, while the development server never notices.
    settings.STATIC_ROOT = tmp_path
    manifest = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": manifest}}
    call_command("collectstatic", verbosity=0, interactive=False)
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/swagger-ui/swagger-ui.*.css"))
