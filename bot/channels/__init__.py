"""Input channels with a guard in front of Rasa's NLU (credentials.yml names them)."""
