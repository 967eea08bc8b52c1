"""Development tools of the book (not part of nnlib): the numeric matrix, its nbval harness and the
authors' stability report. Run them as scripts: ``python tools/portable.py``,
``python tools/stability.py``."""
