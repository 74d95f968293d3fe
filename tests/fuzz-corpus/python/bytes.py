b = rb"\x00\n" + br'raw\''
class C:
	pass
# trailing \
