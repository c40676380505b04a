"""rasa-sdk custom actions: thin glue that calls into the bot package."""
