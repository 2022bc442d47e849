"""Deployed resources read with boto3 and put in CloudFormation's shape, so the IQ judges them with the
very predicate that judged the template. One module per service; ``reader.py`` holds what they share."""
