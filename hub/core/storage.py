from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files. Not strict, so that tests and ``runserver`` work
    before ``collectstatic`` has written a manifest."""

    manifest_strict = False
