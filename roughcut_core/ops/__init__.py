"""Operating roughcut (issue 21): Prometheus metrics, acceptance of decisions, input drift.

``metrics``: a per-bridge :class:`~roughcut_core.ops.metrics.BridgeMetrics` (own
``CollectorRegistry``; nothing global). ``acceptance``: what editors did with each decision.
``drift``: reference distributions of the inputs and PSI/KS drift scores against them.
"""
