import os

# numpy's BLAS on one thread per process, as torch (see embedding.py): with a thread per core,
# a search slowed down whenever anything else on the machine was busy (bench/README.md).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
