"""The core layer: helpers with no models that import no app of the portal (docs: CONTRIBUTING.md)."""
