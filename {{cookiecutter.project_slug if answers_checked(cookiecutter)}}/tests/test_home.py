def test_the_front_page_answers(client):
    response = client.get("/")

    assert response.status_code == 200
    assert response.content.startswith(b"It works.")
