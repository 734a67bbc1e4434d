-- wrk script: POST a small request with five Cyrillic keys (issue 15's "POST /user/requests (5 keys)").
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"title":"bench","keys":[{"pos":1,"text":"Фланец плоский Д100 Ст20","qty":4,"unit":"шт"},{"pos":2,"text":"Труба 57х3,5 ГОСТ 8732"},{"pos":3,"text":"Кабель ВВГнг 3х2,5","qty":100,"unit":"м"},{"pos":4,"text":"Подшипник 6205","qty":12,"unit":"шт"},{"pos":5,"text":"Отвод 90° d57"}]}'
