"""The social network: built once per model, stored as a symmetric CSR adjacency matrix.

Every kind is drawn from the network stream of the model's random generator, so the same
``rng`` gives the same graph (unlike Mesa's own ``VirusOnNetwork``, whose graph is unseeded).
Small random graphs come from networkx's generators, large ones (from :data:`FAST_MIN_NODES`
nodes) from the vectorised generators of :mod:`simulation.network.generators`, which have the same
distributions (docs/networks.md). The rules read neighbours through the CSR matrix only; a
networkx graph is made on demand for drawing (``DisclosureModel.graph``) and is never on the
path of a step.

References:
    Erdos, P. & Renyi, A. (1959). On random graphs I. Publ. Math. Debrecen 6, 290-297.
    Watts, D. J. & Strogatz, S. H. (1998). Collective dynamics of 'small-world' networks.
    Nature 393, 440-442.
    Barabasi, A.-L. & Albert, R. (1999). Emergence of scaling in random networks. Science 286.
    Holme, P. & Kim, B. J. (2002). Growing scale-free networks with tunable clustering.
    Phys. Rev. E 65, 026107.
    Holland, P. W., Laskey, K. B. & Leinhardt, S. (1983). Stochastic blockmodels: first steps.
    Social Networks 5, 109-137.

Modules: ``graph`` (the CSR network and its assembly), ``build`` (drawing a kind from the
parameters), ``generators`` (vectorised generators of large graphs), ``holme_kim`` (its compiled
kernel), ``csr`` (compiled CSR assembly) and ``edge_list`` (reading a network from a file).
"""

from simulation.network.build import (
    FAST_MIN_NODES,
    block_probabilities,
    build_network,
    community_membership,
)
from simulation.network.edge_list import NetworkFileError, read_edge_list
from simulation.network.graph import COMPILED_MIN_EDGES, SocialNetwork, adjacency_from_edges

__all__ = [
    "COMPILED_MIN_EDGES",
    "FAST_MIN_NODES",
    "NetworkFileError",
    "SocialNetwork",
    "adjacency_from_edges",
    "block_probabilities",
    "build_network",
    "community_membership",
    "read_edge_list",
]
