"""Analyses built on sweeps: global sensitivity, paired policy comparisons, scenario discovery.

Every model evaluation goes through the sweep machinery (:mod:`experiments.spec`,
:mod:`experiments.sweep`, :mod:`experiments.storage`): the same validation, executors, seeds and
resumable per-task storage, so an analysis killed and rerun recomputes nothing that is on disk.

Public API (each returns a ``pandas.DataFrame`` or a plotly ``Figure``):

- :func:`experiments.analysis.sensitivity.run_sensitivity`, ``sobol_figure``, ``morris_figure``,
  ``sensitivity_indices`` (the analysis alone, for any model, e.g. the Ishigami function);
- :func:`experiments.analysis.compare.run_compare`, ``forest_figure``, ``paired_effect``;
- :func:`experiments.analysis.discover.discover`, ``discovery_figure``.
"""
