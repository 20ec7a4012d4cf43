"""Unit tests of the answer rules (hooks/answer_rules.py), called with answers as data."""

import answer_rules
import pytest
from matrix import CONTEXT, FIXED, OPTIONS, RULES, TEMPLATE_DIR, with_derived

HOSTILE = 'O\'Brien "the" \\ hacker """ \\'
DEFAULTS = {key: values[0] for key, values in OPTIONS.items()}
BASE = {k: v for k, v in CONTEXT.items() if k != "__prompts__"} | DEFAULTS | FIXED
BASE["_template"] = str(TEMPLATE_DIR)


def answers(**changed) -> dict:
    """Final answers as cookiecutter hands them over: the derived ones derived anew."""
    return with_derived(BASE | changed)


def problems(given: dict) -> list[str]:
    return answer_rules.problems(given, RULES)


def test_the_default_answers_pass():
    assert problems(answers()) == []


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("project_slug", "my-app", "a Python package name"),
        ("project_slug", "class", "a name that is not a Python keyword"),
        ("project_slug", "json", "a name that is not a module of Python's standard library"),
        ("project_slug", "django", "no installed package uses"),
        ("project_slug", "asgiref", "no installed package uses"),
        ("project_slug", "kombu", "no installed package uses"),
        ("project_slug", "pytest_django", "no installed package uses"),
        ("project_slug", "storages", "no installed package uses"),
        ("project_slug", "deploy", "does not use already"),
        ("project_slug", "staticfiles", "does not use already"),
        ("project_slug", "htmlcov", "does not use already"),
        ("project_slug", "scripts", "does not use already"),
        ("project_slug", "users", "does not use already"),
        # The same file as Makefile, LICENSE or Dockerfile on macOS and Windows.
        ("project_slug", "makefile", "does not use already"),
        ("project_slug", "license", "does not use already"),
        ("project_slug", "dockerfile", "does not use already"),
        *(("project_slug", name, "Windows does not keep for a device")
          for name in ("con", "aux", "nul", "prn", "com1", "lpt1")),
        ("project_slug", "Shop", "a Python package name"),
        ("project_slug", "a" * 41, "a Python package name"),
        ("project_slug", "shop\n", "a Python package name"),
        ("email", "not-an-email", "an address"),
        ("email", "jane@example.com\n", "an address"),
        ("email", "o'brien@example.com", "an address"),
        ("domain_name", "https://example.com", "a lowercase host name"),
        ("domain_name", "example", "a lowercase host name"),
        ("domain_name", "example.com\n", "a lowercase host name"),
        ("domain_name", "example\n.com", "a lowercase host name"),
        ("domain_name", ("a" * 63 + ".") * 4 + "com", "a host name of at most 253"),
        ("version", "1.0.0-beta", "a PEP 440 version"),
        ("version", "1.0\n", "a PEP 440 version"),
        ("version", "999999999999999999999", "below 2**64"),
        ("version", "1." * 64 + "0", "at most 128 characters"),
        ("timezone", "Mars/Olympus_Mons", "an IANA time zone"),
        ("timezone", "../../etc/passwd", "an IANA time zone"),
        ("timezone", "UTC\n", "an IANA time zone"),
        # Files in a host's zoneinfo folder that are no IANA zone.
        *(("timezone", zone, "an IANA time zone")
          for zone in ("localtime", "posixrules", "posix/Europe/Paris", "right/UTC")),
        ("project_name", "   ", "not empty"),
        ("project_name", " padded", "without spaces around it"),
        ("project_name", "x" * 201, "at most 200 characters"),
        ("project_name", "two\nlines", "no control characters: found U+000A"),
        ("author_name", "tab\there", "found U+0009"),
        ("description", "evil \u202e txt", "found U+202E"),
        ("description", "line\u2028separator", "found U+2028"),
        ("description", "nul\x00byte", "found U+0000"),
        ("description", 5, "expected text."),
        ("registry_namespace", "jane\n", "a lowercase user or organisation"),
        ("registry_namespace", "Acme", "a lowercase user or organisation"),
        ("container_registry", "quay", "one of ghcr, dockerhub, gitlab"),
        # Choices outside their lists, as a replay file can hold them.
        ("license", "../../../victim/nothing", "one of MIT, BSD-3-Clause, Apache-2.0, proprietary"),
        ("license", 'MIT"\nevil = "injected', "one of MIT, BSD-3-Clause"),
        ("license", "GPL-3.0", "one of MIT, BSD-3-Clause"),
        ("dockerfile", "../../x", "one of slim, distroless"),
        ("dockerfile", "alpine", "one of slim, distroless"),
        ("python_version", "2.7", "one of 3.13, 3.14"),
        ("python_version", '3.13" #" PYTHON_IMAGE=evil.example/python:3.13', "one of 3.13"),
        ("postgresql_version", "16", "one of 17, 18"),
        ("postgresql_version", "17\n    privileged: true\n    x-evil:", "one of 17, 18"),
        ("postgresql_version", 17, "one of 17, 18"),
        # Yes/no answers that are not booleans (the extension converts cookiecutter's words
        # before the rules run; whatever reaches them still a string is refused).
        ("use_drf", "no", "yes or no (true or false)"),
        ("deploy_swarm", None, "yes or no (true or false)"),
        ("use_sentry", 1, "yes or no (true or false)"),
    ],
)  # fmt: skip
def test_a_bad_answer_is_named_with_what_is_allowed(field, value, expected):
    found = problems(answers(**{field: value}))

    assert len(found) == 1, found
    assert found[0].startswith(f"{field}={answer_rules.shown(value)} is not allowed: expected ")
    assert expected in found[0]
    assert "\n" not in found[0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("project_slug", "shop_2"),
        ("project_slug", "console"),
        ("email", "first.last+tag@mail.example.org"),
        ("domain_name", "www.example.co.uk"),
        ("domain_name", ("a" * 63 + ".") * 3 + "b" * 57 + ".com"),  # 253 characters
        ("version", "2.0.post1.dev3"),
        ("version", str(2**64 - 1)),
        ("timezone", "America/Argentina/Buenos_Aires"),
        ("timezone", "Etc/GMT+5"),
        ("author_name", HOSTILE),
        ("author_name", "Zoë 🦊 Ó Briain"),
        ("description", "Family 👨\u200d👩\u200d👧 app, نیم\u200cفاصله"),
        ("project_name", 'Bob\'s "Quoted" {App} #1 & co.'),
        ("registry_namespace", "acme.labs"),
        ("license", "proprietary"),
        ("use_drf", False),
    ],
)
def test_a_good_answer_is_accepted(field, value):
    assert problems(answers(**{field: value})) == []


def test_a_package_name_derived_from_the_project_name_blames_the_name():
    given = answers(project_name="Makefile")
    given["project_slug"] = "makefile"

    assert problems(given) == [
        "project_name='Makefile' is not allowed: expected a name whose package name "
        "(project_slug='makefile') is a name the project does not use already for a file, "
        "folder or package; or set project_slug."
    ]


def test_every_answer_has_a_rule():
    """Free text by its own rule; choices and yes/no answers from cookiecutter.json."""
    public = {k for k in CONTEXT if not k.startswith("_")}
    ruled = set(answer_rules.text_rules(RULES)) | set(RULES.choices) | set(RULES.yes_no)

    assert public == ruled


DERIVED_FIELDS = sorted(k for k, v in CONTEXT.items() if k.startswith("__") and isinstance(v, str))


@pytest.mark.parametrize("field", DERIVED_FIELDS)
@pytest.mark.parametrize("value", ["", "{#", "x\nEVIL=1", "changed"])
def test_a_derived_answer_given_is_refused(field, value):
    """Only the value cookiecutter.json derives from the other answers is accepted."""
    given = answers() | {field: value}

    sources = ", ".join(answer_rules.derived_from(field, RULES))
    why = f"it is derived from {sources}" if sources else "it is the template's own"
    assert problems(given) == [
        f"{field}={answer_rules.shown(value)} is not allowed: expected "
        f"{answer_rules.shown(answers()[field])}; {why}: do not set it."
    ]


def test_a_derived_answer_names_what_it_is_made_of():
    assert answer_rules.derived_from("__image", RULES) == [
        "project_slug", "container_registry", "registry_namespace"
    ]  # fmt: skip
    assert answer_rules.derived_from("__uv_version", RULES) == []


@pytest.mark.parametrize(
    ("changed", "derived"),
    [
        ({"database": "sqlite", "cache": "none", "task_queue": "none"}, {"__services": ""}),
        ({"container_registry": "gitlab", "registry_namespace": "acme/web"},
         {"__image": "registry.gitlab.com/acme/web/my-django-project"}),
        ({"dockerfile": "distroless", "cache": "valkey"},
         {"__app_uid": "65532", "__cache_label": "Valkey"}),
    ],
)  # fmt: skip
def test_derived_answers_follow_the_other_answers(changed, derived):
    given = answers(**changed)

    assert given.items() >= derived.items()
    assert problems(given) == []


def test_a_choice_outside_its_list_is_named_before_what_is_derived_from_it():
    given = answers() | {"database": "oracle"}

    assert problems(given)[0].startswith("database='oracle' is not allowed: expected one of ")


def test_the_message_shortens_a_long_value():
    (message,) = problems(answers(project_name="a" * 5000, project_slug="shop"))

    assert message.startswith("project_name='" + "a" * 40 + "'... (5000 characters) is not")
    assert len(message) < 200


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("datbase", "datbase='x' is not allowed: expected an answer this template asks for; "
         "the nearest is database."),
        ("use-drf", "use-drf='x' is not allowed: expected an answer this template asks for; "
         "the nearest is use_drf."),
        ("Project_Name", "Project_Name='x' is not allowed: expected an answer this template "
         "asks for; the nearest is project_name."),
        ("zzz", "zzz='x' is not allowed: expected an answer this template asks for."),
        ("x\nINFO: done", "'x\\nINFO: done'='x' is not allowed: expected an answer this "
         "template asks for."),
    ],
)  # fmt: skip
def test_an_unknown_key_is_named_with_the_nearest_known_one(key, message):
    assert problems(answers() | {key: "x"}) == [message]


def test_a_missing_answer_is_named():
    given = answers()
    del given["database"]

    assert problems(given) == [
        "database is missing: expected a value for every answer (a replay file holds them "
        "all, as the project's .cookiecutter.json does)."
    ]


@pytest.mark.parametrize("commit", ["abc\ndef: 1", {"x": 1}, "HEAD"])
def test_a_recorded_commit_is_a_commit(commit):
    assert problems(answers() | {"_commit": commit}) == [
        f"_commit={answer_rules.shown(commit)} is not allowed: expected a git commit's hex "
        "digits, as cruft records it."
    ]


def test_a_long_value_of_any_type_is_cut():
    (message,) = problems(answers() | {"license": ["x" * 100_000]})

    assert len(message) < 200 and "characters)" in message


def test_the_template_settings_must_be_the_templates_own():
    given = answers() | {"_copy_without_render": []}

    assert problems(given) == [
        "_copy_without_render=[] is not allowed: expected ['_locks/*'], the template's own setting."
    ]


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        (
            {"task_queue": "celery", "cache": "none"},
            "task_queue='celery' is not allowed here: celery needs a broker",
        ),
        (
            {"container_registry": "ghcr", "registry_namespace": "acme/web"},
            "registry_namespace='acme/web' is not allowed here: only GitLab has nested",
        ),
        (
            {"container_registry": "dockerhub", "registry_namespace": "jane-doe"},
            "registry_namespace='jane-doe' is not allowed here: Docker Hub namespaces are",
        ),
        (
            {"deploy_kubernetes": True, "media_storage": "s3",
             "domain_name": ("a" * 63 + ".") * 3 + "b" * 55 + ".com"},
            "domain_name='" + "a" * 40 + "'... (251 characters) is not allowed here: the "
            "staging overlay serves staging.<domain_name>",
        ),
        (
            {"container_registry": "gitlab", "registry_namespace": "a" * 200,
             "project_slug": "b" * 40},
            "registry_namespace='" + "a" * 40 + "'... (200 characters) is not allowed here: "
            "the image name <registry>/<namespace>/<project> has at most 255 characters",
        ),
        (
            {"deploy_kubernetes": True, "media_storage": "volume", "database": "postgresql"},
            "media_storage='volume' is not allowed here: web pods run on several nodes",
        ),
    ],
)  # fmt: skip
def test_a_forbidden_combination_is_named(changed, message):
    found = problems(answers(**changed))

    assert len(found) == 1, found
    assert found[0].startswith(message)


def test_the_zones_come_from_tzdata_not_from_the_host():
    zones = answer_rules.iana_zones()

    assert {"UTC", "Europe/Paris", "America/Argentina/Buenos_Aires"} <= zones
    assert not {"localtime", "posixrules", "right/UTC", "posix/UTC"} & zones


def test_the_hooks_chosen_files_are_names_the_project_uses(tmp_path):
    from conftest import load_hook

    post = load_hook("post_gen_project")
    assert {destination for destination, _ in post.CHOSEN_FILES} == answer_rules.CHOSEN_FILE_NAMES
