"""Schema diffing: model x model -> ordered, immutable migration steps."""
