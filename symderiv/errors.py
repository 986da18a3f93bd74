"""The root of the errors symderiv raises on purpose (no SymPy here: the command line's edges
import it without loading the engine)."""


class SymderivError(Exception):
    """Root of every error symderiv raises on purpose."""
