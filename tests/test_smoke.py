def test_home_page_is_vietnamese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    assert "Cần Thơ" in response.text
