"""Demo data for trying Recruit out: `flask seed-demo` fills an empty database."""

from recruit.demo.generator import seed_demo

__all__ = ["seed_demo"]
