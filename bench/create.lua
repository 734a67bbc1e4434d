-- wrk script: POST a small request with three keys.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"title":"bench","keys":[{"pos":1,"text":"Фланец плоский Д100","qty":4,"unit":"шт"},{"pos":2,"text":"Труба 57х3,5"},{"pos":3,"text":"Кабель ВВГ 3х2,5","qty":100,"unit":"м"}]}'
