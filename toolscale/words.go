package toolscale

// Word lists for realistic-looking records. Kept short and fixed: output
// must be byte-identical for a seed, so lists are part of the format.
var (
	firstNames = []string{"Aiko", "Amara", "Ben", "Carlos", "Chloe", "Daniel", "Elena", "Farah", "Gabriel", "Hana",
		"Ivan", "Jamal", "Julia", "Kenji", "Lena", "Liam", "Maya", "Mohammed", "Nadia", "Noah",
		"Olivia", "Omar", "Priya", "Rafael", "Sara", "Sofia", "Tariq", "Uma", "Victor", "Yara"}
	lastNames = []string{"Ahmed", "Becker", "Chen", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ito",
		"Johnson", "Kim", "Kowalski", "Lopez", "Martin", "Nguyen", "Okafor", "Patel", "Rossi", "Santos",
		"Schmidt", "Silva", "Singh", "Smith", "Tanaka", "Walker", "Wang", "Yilmaz", "Zhang", "Novak"}
	cities = []string{"Austin", "Boston", "Chicago", "Denver", "Houston", "Miami", "Phoenix", "Portland", "Seattle",
		"Atlanta", "Dallas", "San Diego", "Nashville", "Philadelphia", "Minneapolis"}
	mailHosts = []string{"example.com", "mail.test", "inbox.example", "post.test"}
)
