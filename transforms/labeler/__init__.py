"""Label every line of a page: the rules' evidence, weighed by a model learned from real pages."""

from transforms.labeler.rules import label_lines

__all__ = ["label_lines"]
