package toolscale

import "sort"

var (
	teamNames  = []string{"Falcons", "Comets", "Rangers", "Titans", "Wolves", "Harbor Kings", "Blaze", "Storm", "Pioneers", "Knights"}
	arenas     = []string{"Summit Arena", "Riverside Center", "Lakeside Dome", "Union Pavilion", "Metro Court"}
	products   = []string{"Trail Backpack", "Espresso Maker", "Noise-Cancelling Headphones", "Yoga Mat", "Desk Lamp", "Water Bottle", "Running Shoes", "Smart Watch", "Cast Iron Skillet", "Wool Sweater", "Bluetooth Speaker", "Office Chair"}
	movies     = []string{"The Last Orbit", "Paper Lanterns", "Midnight Harbor", "Glass Garden", "Northbound", "Echoes of June", "The Quiet Engine", "Saltwater"}
	cinemas    = []string{"Grand Cinema", "Starlight Theater", "Odeon Central", "Palace Screens"}
	restaurant = []string{"Olive & Thyme", "Blue Lotus", "Casa Verde", "The Copper Pot", "Sakura House", "Le Petit Four", "Ember Grill", "Saffron Table"}
	courses    = []string{"Algebra II", "World History", "Chemistry", "Creative Writing", "Biology", "Physics", "Spanish III", "Computer Science", "Economics", "Art Studio"}
	hotels     = []string{"Harborview Inn", "Maple Lodge", "The Grand Meridian", "Cedar Suites", "Lakeshore Hotel", "Skyline Plaza", "Pine Ridge Resort"}
	stations   = []string{"Airport", "Downtown", "Harbor", "University", "Hilltop", "Riverside"}
	rows       = []string{"A", "B", "C", "D", "E", "F", "G", "H"}
	staff      = func() []string {
		out := make([]string, 0, len(lastNames))
		for _, l := range lastNames {
			out = append(out, "Dr. "+l)
		}
		return out
	}()
)

// blueprints are the ten ToolScale domains.
var blueprints = map[string]*blueprint{
	"bank": {
		name: "bank", title: "Harbor Bank", business: "retail banking",
		person:   entity{singular: "customer", plural: "customers", prefix: "C", min: 25, max: 40, tell: "tier", fields: []field{fPick("tier", "Service tier.", "standard", "gold", "platinum"), fWords("city", "Home city.", cities...)}},
		resource: entity{singular: "branch", plural: "branches", prefix: "BR", min: 10, max: 15, tell: "manager", fields: []field{fWords("branch_name", "Branch name.", "Main Street", "Riverside", "Old Town", "Airport", "University"), fWords("city", "City.", cities...), fWords("manager", "Branch manager.", lastNames...)}},
		booking:  entity{singular: "account", plural: "accounts", prefix: "A", min: 50, max: 90, label: "account_number", tell: "balance", fields: []field{fCode("account_number", "Account number.", "ACCT-", 6), fPick("account_type", "Kind of account.", "checking", "savings", "credit"), fMoney("balance", "Balance in USD.", 10, 25000), fInt("overdraft_limit", "Overdraft limit in USD.", 0, 2000), fDate("opened_on", "Date opened")}},
		status:   []weighted{{"active", 6}, {"frozen", 2}, {"closed", 2}},
		cancel:   transition{tool: "close_account", verb: "close", from: []string{"active", "frozen"}, to: "closed"},
		extra:    transition{tool: "freeze_account", verb: "freeze", from: []string{"active"}, to: "frozen"},
		modify:   modify{tool: "update_overdraft_limit", field: "overdraft_limit", require: []string{"active"}},
		create:   create{tool: "open_account", params: []string{"account_type", "opened_on"}, initial: "active"},
		contact:  "phone", searchBy: "city",
		rules: []string{"Never disclose an account's balance to anyone but its holder.", "Freezing is reversible only by a human agent; make sure the customer understands this before freezing."},
	},
	"basketball": {
		name: "basketball", title: "Metro Hoops League", business: "basketball ticketing",
		person:   entity{singular: "fan", plural: "fans", prefix: "F", min: 25, max: 40, tell: "membership", fields: []field{fPick("membership", "Season membership.", "none", "silver", "gold"), fWords("favorite_team", "Favourite team.", teamNames...)}},
		resource: entity{singular: "game", plural: "games", prefix: "G", min: 15, max: 25, tell: "arena", fields: []field{fWords("home_team", "Home team.", teamNames...), fWords("away_team", "Visiting team.", teamNames...), fDate("date", "Game day"), fWords("arena", "Arena.", arenas...), fInt("seats_left", "Seats still for sale.", 0, 300), fMoney("ticket_price", "Price of one seat in USD.", 25, 220)}},
		booking:  entity{singular: "ticket", plural: "tickets", prefix: "T", min: 50, max: 100, label: "seat_code", tell: "purchase_date", fields: []field{fCode("seat_code", "Seat code.", "SEAT-", 4), fPick("section", "Seating section.", "upper", "lower", "courtside"), fInt("quantity", "Number of seats.", 1, 4), fDate("purchase_date", "Date bought")}},
		status:   []weighted{{"reserved", 3}, {"paid", 4}, {"used", 3}, {"cancelled", 1}},
		cancel:   transition{tool: "cancel_ticket", verb: "cancel", from: []string{"reserved", "paid"}, to: "cancelled"},
		extra:    transition{tool: "confirm_ticket_payment", verb: "confirm payment of", from: []string{"reserved"}, to: "paid"},
		modify:   modify{tool: "change_ticket_section", field: "section", require: []string{"reserved", "paid"}},
		create:   create{tool: "reserve_tickets", params: []string{"section", "quantity"}, quantity: "quantity", capacity: "seats_left", initial: "reserved"},
		contact:  "phone", searchBy: "home_team",
		rules: []string{"A used ticket cannot be refunded or changed.", "At most 4 seats per reservation."},
	},
	"ecommerce": {
		name: "ecommerce", title: "Cartwheel Store", business: "online retail",
		person:   entity{singular: "customer", plural: "customers", prefix: "U", min: 25, max: 40, tell: "loyalty_points", fields: []field{fInt("loyalty_points", "Loyalty points.", 0, 5000), fWords("city", "Home city.", cities...)}},
		resource: entity{singular: "product", plural: "products", prefix: "P", min: 12, max: 20, tell: "price", fields: []field{fWords("name", "Product name.", products...), fPick("category", "Category.", "outdoor", "kitchen", "electronics", "fitness", "home", "apparel"), fMoney("price", "Unit price in USD.", 8, 400), fInt("stock", "Units in stock.", 0, 80)}},
		booking:  entity{singular: "order", plural: "orders", prefix: "O", min: 60, max: 110, label: "order_number", tell: "order_date", fields: []field{fCode("order_number", "Order number.", "#W", 6), fInt("quantity", "Units ordered.", 1, 5), fDate("order_date", "Date placed"), fWords("shipping_city", "City the order ships to.", cities...)}},
		status:   []weighted{{"pending", 3}, {"processing", 2}, {"shipped", 2}, {"delivered", 3}, {"cancelled", 1}, {"returned", 1}},
		cancel:   transition{tool: "cancel_order", verb: "cancel", from: []string{"pending", "processing"}, to: "cancelled"},
		extra:    transition{tool: "return_order", verb: "return", from: []string{"delivered"}, to: "returned"},
		modify:   modify{tool: "update_shipping_city", field: "shipping_city", require: []string{"pending"}},
		create:   create{tool: "place_order", params: []string{"quantity", "shipping_city"}, quantity: "quantity", capacity: "stock", initial: "pending"},
		contact:  "email", searchBy: "category",
		rules: []string{"A shipped order can no longer be cancelled; it can be returned once delivered."},
	},
	"medicine": {
		name: "medicine", title: "Greenfield Clinic", business: "outpatient clinic scheduling",
		person:   entity{singular: "patient", plural: "patients", prefix: "PT", min: 25, max: 40, tell: "insurance", fields: []field{fDate("date_of_birth", "Birth date (year shown as 2025 in this synthetic data)"), fPick("insurance", "Insurance plan.", "none", "basic", "premium", "medicare")}},
		resource: entity{singular: "doctor", plural: "doctors", prefix: "D", min: 10, max: 16, tell: "clinic", fields: []field{fWords("name", "Doctor's name.", staff...), fPick("specialty", "Specialty.", "cardiology", "dermatology", "pediatrics", "general", "orthopedics"), fWords("clinic", "Clinic building.", "North Wing", "South Wing", "Main Building", "Annex")}},
		booking:  entity{singular: "appointment", plural: "appointments", prefix: "AP", min: 50, max: 100, label: "date", tell: "time", fields: []field{fDate("date", "Day of the visit"), fTime("time", "Start time"), fWords("reason", "Reason for the visit.", "check-up", "follow-up", "vaccination", "consultation", "lab results")}},
		status:   []weighted{{"scheduled", 4}, {"checked_in", 1}, {"completed", 3}, {"cancelled", 1}, {"no_show", 1}},
		cancel:   transition{tool: "cancel_appointment", verb: "cancel", from: []string{"scheduled"}, to: "cancelled"},
		extra:    transition{tool: "check_in_appointment", verb: "check in", from: []string{"scheduled"}, to: "checked_in"},
		modify:   modify{tool: "reschedule_appointment", field: "date", require: []string{"scheduled"}},
		create:   create{tool: "book_appointment", params: []string{"date", "time", "reason"}, initial: "scheduled"},
		contact:  "phone", searchBy: "specialty",
		rules: []string{"Never give medical advice; offer an appointment instead.", "Share appointment details only with the patient."},
	},
	"movie": {
		name: "movie", title: "Starlight Cinemas", business: "cinema ticketing",
		person:   entity{singular: "customer", plural: "customers", prefix: "M", min: 25, max: 40, tell: "member_level", fields: []field{fPick("member_level", "Membership level.", "basic", "plus", "premiere")}},
		resource: entity{singular: "showtime", plural: "showtimes", prefix: "S", min: 15, max: 25, tell: "start_time", fields: []field{fWords("movie", "Movie title.", movies...), fWords("cinema", "Cinema.", cinemas...), fDate("date", "Screening day"), fTime("start_time", "Start time"), fInt("seats_available", "Seats still free.", 0, 120), fMoney("price", "Price per seat in USD.", 8, 22)}},
		booking:  entity{singular: "booking", plural: "bookings", prefix: "B", min: 50, max: 100, label: "confirmation", tell: "booked_on", fields: []field{fCode("confirmation", "Confirmation code.", "CNF", 5), fInt("seats", "Seats booked.", 1, 6), fPick("seat_row", "Row of the seats.", rows...), fDate("booked_on", "Date booked")}},
		status:   []weighted{{"confirmed", 5}, {"checked_in", 1}, {"completed", 3}, {"cancelled", 1}},
		cancel:   transition{tool: "cancel_booking", verb: "cancel", from: []string{"confirmed"}, to: "cancelled"},
		extra:    transition{tool: "check_in_booking", verb: "check in", from: []string{"confirmed"}, to: "checked_in"},
		modify:   modify{tool: "change_seat_row", field: "seat_row", require: []string{"confirmed"}},
		create:   create{tool: "book_tickets", params: []string{"seats", "seat_row"}, quantity: "seats", capacity: "seats_available", initial: "confirmed"},
		contact:  "phone", searchBy: "movie",
		rules: []string{"Completed bookings (the screening is over) cannot be cancelled or changed."},
	},
	"railway": {
		name: "railway", title: "Coastline Rail", business: "train reservations",
		person:   entity{singular: "passenger", plural: "passengers", prefix: "PA", min: 25, max: 40, tell: "railcard", fields: []field{fPick("railcard", "Discount railcard.", "none", "youth", "senior", "family")}},
		resource: entity{singular: "train", plural: "trains", prefix: "TR", min: 15, max: 25, tell: "departure", fields: []field{fCode("train_number", "Train number.", "CR", 3), fWords("origin", "Departure city.", cities...), fWords("destination", "Arrival city.", cities...), fDate("date", "Travel day"), fTime("departure", "Departure time"), fInt("seats_left", "Seats left.", 0, 200), fMoney("fare", "Fare per passenger in USD.", 15, 180)}},
		booking:  entity{singular: "reservation", plural: "reservations", prefix: "RV", min: 50, max: 100, label: "reference", tell: "class", fields: []field{fCode("reference", "Booking reference.", "RL", 5), fPick("class", "Travel class.", "standard", "first"), fInt("travellers", "Number of travellers.", 1, 4), fPick("coach", "Coach letter.", rows...)}},
		status:   []weighted{{"booked", 5}, {"checked_in", 2}, {"completed", 2}, {"cancelled", 1}},
		cancel:   transition{tool: "cancel_reservation", verb: "cancel", from: []string{"booked"}, to: "cancelled"},
		extra:    transition{tool: "check_in_reservation", verb: "check in", from: []string{"booked"}, to: "checked_in"},
		modify:   modify{tool: "change_reservation_class", field: "class", require: []string{"booked"}},
		create:   create{tool: "book_train", params: []string{"class", "travellers", "coach"}, quantity: "travellers", capacity: "seats_left", initial: "booked"},
		contact:  "phone", searchBy: "origin",
		rules: []string{"Checked-in reservations cannot be cancelled; the passenger must speak to station staff."},
	},
	"restaurant": {
		name: "restaurant", title: "TableTop", business: "restaurant reservations",
		person:   entity{singular: "guest", plural: "guests", prefix: "GU", min: 25, max: 40, tell: "dietary", fields: []field{fPick("dietary", "Dietary requirement.", "none", "vegetarian", "vegan", "gluten-free")}},
		resource: entity{singular: "restaurant", plural: "restaurants", prefix: "RS", min: 8, max: 14, tell: "city", fields: []field{fWords("name", "Restaurant name.", restaurant...), fPick("cuisine", "Cuisine.", "italian", "japanese", "french", "mexican", "indian", "steakhouse"), fWords("city", "City.", cities...), fInt("seats_left", "Seats left tonight.", 0, 60)}},
		booking:  entity{singular: "reservation", plural: "reservations", prefix: "RE", min: 50, max: 100, label: "date", tell: "time", fields: []field{fDate("date", "Day of the meal"), fTime("time", "Time"), fInt("party_size", "Number of guests.", 1, 8), fPick("occasion", "Occasion.", "none", "birthday", "anniversary", "business")}},
		status:   []weighted{{"confirmed", 5}, {"seated", 1}, {"completed", 3}, {"cancelled", 1}, {"no_show", 1}},
		cancel:   transition{tool: "cancel_reservation", verb: "cancel", from: []string{"confirmed"}, to: "cancelled"},
		extra:    transition{tool: "seat_reservation", verb: "seat", from: []string{"confirmed"}, to: "seated"},
		modify:   modify{tool: "change_reservation_occasion", field: "occasion", require: []string{"confirmed"}},
		create:   create{tool: "make_reservation", params: []string{"date", "time", "party_size", "occasion"}, quantity: "party_size", capacity: "seats_left", initial: "confirmed"},
		contact:  "phone", searchBy: "cuisine",
		rules: []string{"Parties larger than 8 must be transferred to a human agent."},
	},
	"school": {
		name: "school", title: "Northgate High School", business: "course enrolment",
		person:   entity{singular: "student", plural: "students", prefix: "ST", min: 25, max: 40, tell: "guardian", fields: []field{fInt("grade_level", "Grade level.", 9, 12), fWords("guardian", "Guardian's last name.", lastNames...)}},
		resource: entity{singular: "course", plural: "courses", prefix: "CO", min: 10, max: 16, tell: "room", fields: []field{fWords("title", "Course title.", courses...), fPick("subject", "Subject area.", "math", "science", "humanities", "languages", "arts"), fWords("teacher", "Teacher's last name.", lastNames...), fCode("room", "Room.", "R", 3), fInt("seats_open", "Open seats.", 0, 30)}},
		booking:  entity{singular: "enrollment", plural: "enrollments", prefix: "E", min: 50, max: 100, label: "enrollment_code", tell: "term", fields: []field{fCode("enrollment_code", "Enrollment code.", "ENR", 5), fPick("term", "Term.", "fall-2025", "spring-2025", "summer-2025"), fPick("grade_option", "Grading option.", "letter", "pass_fail"), fInt("seats", "Seats taken (always 1).", 1, 1)}},
		status:   []weighted{{"enrolled", 5}, {"waitlisted", 2}, {"completed", 3}, {"dropped", 1}},
		cancel:   transition{tool: "drop_enrollment", verb: "drop", from: []string{"enrolled", "waitlisted"}, to: "dropped"},
		extra:    transition{tool: "confirm_enrollment", verb: "confirm", from: []string{"waitlisted"}, to: "enrolled"},
		modify:   modify{tool: "change_grade_option", field: "grade_option", require: []string{"enrolled"}},
		create:   create{tool: "enroll_student", params: []string{"term", "grade_option", "seats"}, quantity: "seats", capacity: "seats_open", initial: "enrolled"},
		contact:  "email", searchBy: "subject",
		rules: []string{"Only the student may request changes to their own enrollments."},
	},
	"travel": {
		name: "travel", title: "Wayfarer Travel", business: "hotel bookings",
		person:   entity{singular: "traveler", plural: "travelers", prefix: "TV", min: 25, max: 40, tell: "loyalty_tier", fields: []field{fPick("loyalty_tier", "Loyalty tier.", "blue", "silver", "gold"), fPick("passport_country", "Passport country.", "US", "CA", "GB", "DE", "JP", "BR")}},
		resource: entity{singular: "hotel", plural: "hotels", prefix: "H", min: 10, max: 16, tell: "nightly_rate", fields: []field{fWords("name", "Hotel name.", hotels...), fWords("city", "City.", cities...), fInt("stars", "Star rating.", 2, 5), fInt("rooms_available", "Rooms free.", 0, 40), fMoney("nightly_rate", "Rate per night in USD.", 70, 450)}},
		booking:  entity{singular: "booking", plural: "bookings", prefix: "K", min: 50, max: 100, label: "check_in", tell: "board", fields: []field{fDate("check_in", "Arrival day"), fInt("nights", "Nights.", 1, 10), fInt("rooms", "Rooms.", 1, 3), fPick("board", "Meal plan.", "room_only", "breakfast", "half_board")}},
		status:   []weighted{{"confirmed", 5}, {"checked_in", 2}, {"completed", 3}, {"cancelled", 1}},
		cancel:   transition{tool: "cancel_booking", verb: "cancel", from: []string{"confirmed"}, to: "cancelled"},
		extra:    transition{tool: "check_in_booking", verb: "check in", from: []string{"confirmed"}, to: "checked_in"},
		modify:   modify{tool: "change_board", field: "board", require: []string{"confirmed"}},
		create:   create{tool: "book_hotel", params: []string{"check_in", "nights", "rooms", "board"}, quantity: "rooms", capacity: "rooms_available", initial: "confirmed"},
		contact:  "phone", searchBy: "city",
		rules: []string{"A booking that has started (checked in) cannot be cancelled."},
	},
	"weather": {
		name: "weather", title: "SkyWatch Alerts", business: "weather alert subscriptions",
		person:   entity{singular: "subscriber", plural: "subscribers", prefix: "W", min: 25, max: 40, tell: "plan", fields: []field{fPick("plan", "Subscription plan.", "free", "plus", "pro"), fWords("home_city", "Home city.", cities...)}},
		resource: entity{singular: "station", plural: "stations", prefix: "WS", min: 10, max: 16, tell: "condition", fields: []field{fWords("name", "Station name.", stations...), fWords("city", "City.", cities...), fPick("condition", "Current condition.", "sunny", "cloudy", "rain", "storm", "snow", "fog"), fInt("temperature_c", "Temperature in °C.", -10, 38)}},
		booking:  entity{singular: "subscription", plural: "subscriptions", prefix: "AL", min: 50, max: 100, label: "alert_type", tell: "channel", fields: []field{fPick("alert_type", "Alert kind.", "rain", "heat", "storm", "snow", "wind"), fPick("channel", "Delivery channel.", "sms", "email", "push"), fInt("threshold", "Trigger threshold (mm, °C or km/h).", 1, 100)}},
		status:   []weighted{{"active", 5}, {"paused", 2}, {"cancelled", 1}},
		cancel:   transition{tool: "cancel_subscription", verb: "cancel", from: []string{"active", "paused"}, to: "cancelled"},
		extra:    transition{tool: "pause_subscription", verb: "pause", from: []string{"active"}, to: "paused"},
		modify:   modify{tool: "change_alert_channel", field: "channel", require: []string{"active", "paused"}},
		create:   create{tool: "subscribe_alerts", params: []string{"alert_type", "channel", "threshold"}, initial: "active"},
		contact:  "email", searchBy: "city",
		rules: []string{"Report current conditions exactly as the station reports them; never forecast."},
	},
}

// Domains returns the names of the built-in procedural domains, sorted.
func Domains() []string {
	out := make([]string, 0, len(blueprints))
	for n := range blueprints {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
