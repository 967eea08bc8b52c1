#!/bin/sh
# Does `make pdf`'s TeX step work on a machine that has no TeX?  Builds a minimal Debian 12
# (bookworm) root with debootstrap, installs in it exactly the packages of the Makefile's
# TEX_PACKAGES with the Makefile's apt-get command, compiles the LaTeX sources of a `make pdf`
# build (_build/latex, written by Sphinx on this machine) there with latexmk, and runs
# tests/pdf/check_pdf.py on the PDF it made.  The Python side (Jupyter Book writing book.tex) is
# what `make pdf` runs on this machine; this checks the half that a fresh machine could lack.
#
# Needs root, debootstrap (apt-get install debootstrap) and Debian's mirror; about 1.5 GB in
# $ROOTFS and 2-3 minutes.  Run after `make pdf`:
#
#     sudo sh tools/pdf_clean_tex.sh            # ROOTFS=/tmp/nnlib-clean-tex by default
set -eu
cd "$(dirname "$0")/.."
ROOTFS=${ROOTFS:-/tmp/nnlib-clean-tex}
LATEX_DIR=_build/latex
test -f "$LATEX_DIR/book.tex" || { echo "no $LATEX_DIR/book.tex: run make pdf first"; exit 1; }
command -v debootstrap >/dev/null || { echo "debootstrap not found: apt-get install debootstrap"; exit 1; }
PACKAGES=$(sed -n 's/^TEX_PACKAGES := //p' Makefile)
test -n "$PACKAGES" || { echo "no TEX_PACKAGES line in the Makefile"; exit 1; }

if [ ! -x "$ROOTFS/usr/bin/apt-get" ]; then
  debootstrap --variant=minbase bookworm "$ROOTFS" http://deb.debian.org/debian
fi
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
echo "== installing in a TeX-free Debian: $PACKAGES"
chroot "$ROOTFS" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PACKAGES" >/dev/null

echo "== compiling $LATEX_DIR/book.tex there"
rm -rf "$ROOTFS/root/latex" && mkdir -p "$ROOTFS/root/latex"
for f in "$LATEX_DIR"/*; do
  case "$(basename "$f")" in
    book.aux|book.fdb_latexmk|book.fls|book.idx|book.ilg|book.ind|book.log|book.out|book.pdf|book.toc) ;;
    *) cp -r "$f" "$ROOTFS/root/latex/" ;;
  esac
done
chroot "$ROOTFS" /bin/sh -c "cd /root/latex && latexmk -pdf -dvi- -ps- -interaction=nonstopmode book.tex" >"$ROOTFS/root/latexmk.log" 2>&1 \
  || { tail -30 "$ROOTFS/root/latexmk.log"; exit 1; }
if grep -q "Missing character" "$ROOTFS/root/latex/book.log"; then
  echo "glyphs missing from the clean install's fonts:"; grep "Missing character" "$ROOTFS/root/latex/book.log" | sort | uniq -c; exit 1
fi
BOOK_PDF="$ROOTFS/root/latex/book.pdf" .venv/bin/pytest tests/pdf/check_pdf.py -p no:cacheprovider -q
