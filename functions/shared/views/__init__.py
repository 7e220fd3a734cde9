"""Read models: their public shapes, their keys in the views table, and the queries over them."""
