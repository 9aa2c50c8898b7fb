"""Imported by the extraction fork server (pipeline.pool.PRELOAD): loading the extractors here,
once, means every worker forked from the server starts with them loaded."""

import gc

from pipeline.pool import warm_up

warm_up()
# the workers are forked from here: objects that never change state stay out of their cyclic
# GC, whose passes would otherwise write to (and so copy) every shared page
gc.freeze()
