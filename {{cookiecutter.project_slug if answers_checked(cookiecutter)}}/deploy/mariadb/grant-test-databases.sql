-- Development only: let the application's user create the test runner's databases.
GRANT ALL PRIVILEGES ON `test\_%`.* TO '{{ cookiecutter.project_slug }}'@'%';
