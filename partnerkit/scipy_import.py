"""Importing scipy without numpy's test and Fortran-wrapper tools.

Every scipy subpackage partnerkit uses (``scipy.sparse`` for the anonymity pattern,
``scipy.special``, ``scipy.optimize``) first imports ``scipy._lib._array_api``, whose
copy of the numpy namespace (``array_api_compat.numpy``: ``from numpy import *``, then
``hasattr(numpy, name)`` for every name of ``dir(numpy)``) imports each of numpy's lazy
submodules, among them ``numpy.f2py`` (Fortran wrappers) and ``numpy.testing`` (which
imports ``unittest``, ``email`` and ``importlib.metadata``). Neither is used by scipy's
import or by partnerkit: of ``import scipy.sparse``'s 0.18 s after pandas, they took
0.14 s (``python -X importtime``), about a fifth of ``partnerkit score`` on the
3,000-row benchmark survey (issue 23).

:func:`defer_numpy_extras` registers the two as lazy modules
(:class:`importlib.util.LazyLoader`, the standard library's own): ``numpy.testing``
is then a module whose code runs on its first attribute access (``np.testing.assert_allclose``
works as before, it just loads then), so scipy's copy of the namespace holds it
without loading it. Call it before the first scipy import.
"""

from __future__ import annotations

import sys
import threading

#: numpy's lazy submodules that scipy's namespace copy loads and nothing here uses: the
#: test and Fortran tools, then polynomials, ``char``, ``ctypeslib``, ``rec`` and the
#: deprecated ``numpy.core`` (another 9 ms of ``import scipy.sparse``'s 67 ms after
#: pandas on the slow machine of 12-08, machine paused; issue 23)
DEFERRED = (
    "numpy.f2py", "numpy.testing", "numpy.polynomial", "numpy.char", "numpy.ctypeslib",
    "numpy.rec", "numpy.core",
)  # fmt: skip

_LOCK = threading.Lock()


def defer_numpy_extras() -> None:
    """Register :data:`DEFERRED` as lazy modules, unless they are imported already
    (cheap: about 0.3 ms once numpy is imported, nothing after the first call)."""
    if all(name in sys.modules for name in DEFERRED):
        return
    import importlib.util

    import numpy

    with _LOCK:  # threads of partnerkit may import scipy side by side
        for name in DEFERRED:
            if name in sys.modules:
                continue
            spec = importlib.util.find_spec(name)
            if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
                continue
            loader = importlib.util.LazyLoader(spec.loader)
            spec.loader = loader
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            loader.exec_module(module)  # lazily: runs the module on its first use
            # as the import system does for a submodule: numpy.testing is the attribute
            # (numpy's __getattr__ would otherwise import it again)
            setattr(numpy, name.rpartition(".")[2], module)
