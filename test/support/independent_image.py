#!/usr/bin/env python3
"""An independent computation of an image's layer table and hidden bytes, for the integration tests.

It shares no code with the engine: Python's own tarfile reads `docker save` output, and the visible
filesystem is whatever the Docker engine itself exports for a container created from the image
(overlayfs did the union, not us). Hidden bytes = bytes stored in layers - bytes the union shows.

usage: independent_image.py SAVE_TAR EXPORT_TAR  -> JSON on stdout
"""
import json
import posixpath
import sys
import tarfile

# Files the container's init layer replaces in `docker export` (empty files, mount points). Their sizes in
# the export say nothing about the image, so the image's own top-most copy of each is looked up instead.
INIT_PATHS = {".dockerenv", "etc/hosts", "etc/hostname", "etc/resolv.conf"}


def norm(name):
    return posixpath.normpath("/" + name).lstrip("/")


def layer_table(save_path):
    layers = []
    init_copies = []  # per layer: {init path: size of the regular file, or None for a whiteout}
    opaque = 0
    whiteouts = 0
    with tarfile.open(save_path, "r:") as save:
        manifest = json.load(save.extractfile("manifest.json"))
        assert len(manifest) == 1, "one image per archive"
        for layer_path in manifest[0]["Layers"]:
            member = save.getmember(layer_path)
            if member.issym():
                member = save.getmember(posixpath.normpath(posixpath.join(posixpath.dirname(layer_path), member.linkname)))
            size = 0
            files = 0
            copies = {}
            init_copies.append(copies)
            with tarfile.open(fileobj=save.extractfile(member), mode="r:*") as layer:  # r:* for gzip layers (containerd store)
                for entry in layer:
                    path = norm(entry.name)
                    base = posixpath.basename(path)
                    if base == ".wh..wh..opq":
                        opaque += 1
                        for init in INIT_PATHS:
                            if init.startswith(posixpath.dirname(path) + "/"):
                                copies.setdefault(init, None)
                        continue
                    if base.startswith(".wh."):
                        whiteouts += 1
                        deleted = posixpath.join(posixpath.dirname(path), base[4:])
                        for init in INIT_PATHS:
                            if init == deleted or init.startswith(deleted + "/"):
                                copies[init] = None
                        continue
                    if path in INIT_PATHS:
                        copies[path] = entry.size if entry.isreg() else 0
                    if entry.isreg():
                        size += entry.size
                    if not entry.isdir():
                        files += 1
            layers.append({"size": size, "files": files})
    return layers, init_copies, opaque, whiteouts


def init_paths_visible_bytes(init_copies):
    """The image's own bytes at the init paths: the top-most layer that mentions each path decides."""
    total = 0
    for init in INIT_PATHS:
        for copies in reversed(init_copies):
            if init in copies:
                total += copies[init] or 0
                break
    return total


def visible_bytes(export_path):
    total = 0
    with tarfile.open(export_path, "r:") as export:
        for entry in export:
            if norm(entry.name) in INIT_PATHS:
                continue
            if entry.isreg():  # a second name of the same inode is a hard-link entry of size 0
                total += entry.size
    return total


def main():
    layers, init_copies, opaque, whiteouts = layer_table(sys.argv[1])
    total = sum(layer["size"] for layer in layers)
    visible = visible_bytes(sys.argv[2]) + init_paths_visible_bytes(init_copies)
    json.dump({"layers": layers, "totalBytes": total, "visibleBytes": visible, "hiddenBytes": total - visible,
               "opaqueMarkers": opaque, "whiteouts": whiteouts}, sys.stdout)


main()
