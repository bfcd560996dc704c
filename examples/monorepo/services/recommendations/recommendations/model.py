"""Item-to-item similarity over precomputed embeddings."""

import numpy as np


class SimilarityModel:
    def __init__(self, skus, vectors, version):
        self.skus = list(skus)
        self.index = {sku: i for i, sku in enumerate(self.skus)}
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        self.vectors = vectors / np.maximum(norms, 1e-9)
        self.version = version

    @classmethod
    def load(cls, path):
        data = np.load(path, allow_pickle=False)
        return cls(data["skus"], data["vectors"], str(data["version"]))

    def similar(self, sku, limit):
        i = self.index.get(sku)
        if i is None:
            return []
        scores = self.vectors @ self.vectors[i]
        order = np.argsort(-scores)
        return [self.skus[j] for j in order if j != i][:limit]

    def blend(self, skus, limit):
        rows = [self.index[s] for s in skus if s in self.index]
        if not rows:
            return self.popular(limit)
        centre = self.vectors[rows].mean(axis=0)
        order = np.argsort(-(self.vectors @ centre))
        seen = set(skus)
        return [self.skus[j] for j in order if self.skus[j] not in seen][:limit]

    def popular(self, limit):
        return self.skus[:limit]
