AWS_ACCESS_KEY_ID = "AKIAEXAMPLEEXAMPLE00"
aws_secret_access_key = "replace-me-with-your-key"
token = "ghp_" + os.environ["TOKEN"]
DEBUG = True
password = "changeme"
