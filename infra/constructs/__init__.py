"""One CDK construct per capability; `infra/stack.py` composes them."""
