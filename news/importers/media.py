"""Pictures from the ``--media`` folder: found by path or file name, made Wagtail images
once (de-duplicated by content), and cleaned up again when their entry is rolled back."""

import hashlib
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import Collection, ReferenceIndex

from news.importers.markup import IMAGE_EXTENSIONS

WP_SIZE_SUFFIX = re.compile(r"-(\d+x\d+|scaled|rotated)(?=\.[a-z0-9]+$)")


class MediaLibrary:
    """Finds a post's pictures in the ``--media`` folder and makes Wagtail images of them.

    A picture is looked up by the end of its URL path (``2017/02/harbour.jpg``), then by
    its file name (WordPress size variants like ``harbour-300x200.jpg`` fall back to the
    original). Images are de-duplicated by the SHA-1 of their content, as Wagtail stores it,
    so a re-run or a picture used twice creates one image.
    """

    def __init__(self, root, report):
        self.root = Path(root) if root else None
        self.report = report
        self.by_relative = {}
        self.by_name = defaultdict(list)
        self.by_path = {}  # file -> image id, or None when it could not be read
        self.by_hash = {}  # sha1 -> image id
        self.created = []  # (image id, stored file name) created in this run
        self.digests = {}  # file -> sha1
        # (file, sha1, image id) of every picture an entry was found to use, in order:
        # what a settled entry's re-run counts without reading the files (replay()).
        self.found = []
        if self.root is not None:
            for path in sorted(self.root.rglob("*")):
                if path.is_file() and path.suffix.lower() in IMAGE_EXTENSIONS:
                    relative = path.relative_to(self.root).as_posix().lower()
                    self.by_relative[relative] = path
                    self.by_name[path.name.lower()].append(path)

    def find(self, url):
        parts = [part for part in unquote(urlparse(url).path).lower().split("/") if part]
        for start in range(len(parts)):
            found = self.by_relative.get("/".join(parts[start:]))
            if found is not None:
                return found
        if not parts:
            return None
        name = parts[-1]
        for candidate in (name, WP_SIZE_SUFFIX.sub("", name)):
            if self.by_name.get(candidate):
                return self.by_name[candidate][0]
        return None

    def resolve(self, urls, alt, caption, *, label):
        """The id of the Wagtail image for the first of ``urls`` found, or None."""
        if self.root is None:
            return None
        path = next((found for found in map(self.find, urls) if found is not None), None)
        if path is None:
            return None
        if path in self.by_path:
            image_id = self.by_path[path]
            self.found.append((str(path), self.digests.get(path, ""), image_id))
            return image_id
        with open(path, "rb") as stream:
            digest = hashlib.file_digest(stream, "sha1").hexdigest()
        self.digests[path] = digest
        image_id = self.by_hash.get(digest)
        Image = get_image_model()
        if image_id is None:
            image_id = Image.objects.filter(file_hash=digest).values_list("pk", flat=True).first()
            if image_id is not None:
                self.report.add("image existing")
        if image_id is None:
            image_id = self.create(path, digest, alt or caption, label)
        self.by_path[path] = image_id
        if image_id is not None:
            self.by_hash[digest] = image_id
        self.found.append((str(path), digest, image_id))
        return image_id

    def replay(self, found):
        """Count the pictures a settled entry uses (``found`` as its last full import
        recorded them) as ``resolve`` would have: each image already in Newsdesk once."""
        for name, digest, image_id in found:
            path = Path(name)
            if path in self.by_path:
                continue
            self.by_path[path] = image_id
            self.digests[path] = digest
            if image_id is None:
                continue
            if digest not in self.by_hash:
                self.report.add("image existing")
                self.by_hash[digest] = image_id

    def create(self, path, digest, title, label):
        Image = get_image_model()
        try:
            with open(path, "rb") as stream, transaction.atomic():
                image = Image(
                    title=(title or path.stem.replace("-", " ").replace("_", " "))[:255],
                    file=ImageFile(stream, name=path.name),
                    collection=Collection.get_first_root_node(),
                    file_hash=digest,
                    file_size=path.stat().st_size,
                )
                image.save()
        except Exception as error:
            self.report.warn(label, f"could not import image {path}: {error}")
            return None
        ReferenceIndex.create_or_update_for_object(image)
        self.created.append((image.pk, image.file.name))
        self.report.add("image imported")
        return image.pk

    def checkpoint(self):
        return len(self.created)

    def discard(self, checkpoint=0, *, uncount=True):
        """Forget images created since ``checkpoint`` (their rows were rolled back) and
        delete their files; ``uncount`` takes them out of the report too."""
        for image_id, name in self.created[checkpoint:]:
            Image = get_image_model()
            Image._meta.get_field("file").storage.delete(name)
            self.by_path = {k: v for k, v in self.by_path.items() if v != image_id}
            self.by_hash = {k: v for k, v in self.by_hash.items() if v != image_id}
            if uncount:
                self.report.counts["image imported"] -= 1
        del self.created[checkpoint:]
