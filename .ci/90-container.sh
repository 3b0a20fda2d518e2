# The image built and run in a real Docker Engine, following docs/admin-guide.md
# (scripts/container-test): Debian's Docker Engine, and debootstrap to make the
# base image when no registry can be reached. It says so and passes when the
# engine cannot start on this machine.
need_pkg dockerd docker.io
need_pkg debootstrap debootstrap
.venv/bin/python scripts/container-test
