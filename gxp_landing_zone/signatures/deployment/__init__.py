"""The constructs of the electronic-signature service, one concern per module; assembled by
``signatures.infrastructure.SignatureService`` and kept out of the Lambda asset."""
