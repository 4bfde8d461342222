"""`roughcut` command line (placeholder while the foundation lands)."""
import sys


def main(argv=None) -> int:
    print("roughcut: CLI under construction", file=sys.stderr)
    return 1
