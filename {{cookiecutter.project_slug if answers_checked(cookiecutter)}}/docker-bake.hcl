# Image builds, for people and pipelines alike (docker buildx bake -f docker-bake.hcl):
#   ... --load          the production image for this machine, as IMAGE:TAGS
#   ... --push          the same, pushed to the registry (log in first)
#   ... release --push  linux/amd64 and linux/arm64, with SBOM and provenance
#                       attestations; needs a builder with the docker-container driver
# Always name this file: without -f, bake reads compose.yaml too, whose variables need
# an .env that a pipeline does not have.
# Every variable can be set from the environment: IMAGE=... TAGS=1.0.0,latest.
{%- if cookiecutter.ci_provider != "none" %}
# CI builds and pushes the release target.
{%- endif %}

variable "IMAGE" {
  default = "{{ cookiecutter.__image }}"
}

# Comma-separated; each becomes IMAGE:TAG.
variable "TAGS" {
  default = "latest"
}

# The commit the image is built from{% if cookiecutter.ci_provider != "none" %} (CI sets it){% endif %}: the image's revision label{% if cookiecutter.use_sentry %}, and
# Sentry's release{% endif %}.
variable "REVISION" {
  default = "unknown"
}

group "default" {
  targets = ["production"]
}

{%- if cookiecutter.ci_provider == "github" %}

# Tags and labels that CI computes from the git ref (docker/metadata-action writes a
# target of this name); empty here.
target "docker-metadata-action" {}
{%- endif %}

target "production" {
  context    = "."
  dockerfile = "Dockerfile"
  target     = "production"
  args = {
    REVISION = REVISION
  }
  tags = [for tag in split(",", TAGS) : "${IMAGE}:${tag}"]
}

target "release" {
  inherits  = ["production"{% if cookiecutter.ci_provider == "github" %}, "docker-metadata-action"{% endif %}]
  platforms = ["linux/amd64", "linux/arm64"]
  attest = [
    "type=provenance,mode=max",
    "type=sbom",
  ]
}

target "development" {
  context = "."
  target  = "development"
  tags    = ["{{ cookiecutter.__app_name }}:development"]
}
