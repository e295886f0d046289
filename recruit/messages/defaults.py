"""The messages Recruit ships with, in plain, warm government English. Admins reword them
on the Messages page; these are what a new office starts from."""

from flask_babel import lazy_gettext as _l

from recruit.pipeline.rules import StageKey

# Words a template may use, and what each is replaced with.
PLACEHOLDERS = {
    "first_name": "the candidate's first name",
    "last_name": "the candidate's last name",
    "full_name": "the candidate's full name",
    "stage": "the stage they are in now",
    "reason": "why they were not selected, in the student's words (never the internal code)",
    "event": "the event they met us at (their latest)",
    "office_name": "the office's name",
    "office_email": "the office's contact address",
    "status_link": "a private link to the student's own page, made when the message is sent "
    "(in the body only)",
}

# (key, name, subject, body)
DEFAULT_TEMPLATES = [
    (
        "interest_received",
        "Interest form received",
        "We received your interest form",
        "Hello {first_name},\n\n"
        "Thank you for telling the {office_name} about your interest in an internship or "
        "job with the state. We have your details.\n\n"
        "Our recruitment staff read every submission within about two weeks. If an "
        "opening fits, we will email you to set up a short conversation. If you sent the "
        "form before, our staff look at what is new and update your details.\n\n"
        "See where you stand, or change your details: {status_link}\n\n"
        "Questions, or a detail to correct? Reply to this message or write to "
        "{office_email}.\n\n"
        "Best regards,\nThe {office_name} internship program",
    ),
    (
        "status_link",
        "Link to the student's own page",
        "Your link to your application page",
        "Hello {first_name},\n\n"
        "Here is your private link to your application with the {office_name}:\n\n"
        "{status_link}\n\n"
        "On that page you can see where you stand, correct your details, add your resume, "
        "choose the openings that interest you, or withdraw. The link is for you alone; it "
        "stops working after a few weeks, or as soon as you ask for a new one.\n\n"
        "If you did not ask for this link, you can ignore this message.\n\n"
        "Best regards,\nThe {office_name} internship program\n{office_email}",
    ),
    (
        "interview",
        "Invitation to interview",
        "Can we talk? An interview with the {office_name}",
        "Hello {first_name},\n\n"
        "We read your details and would like to meet you. The interview is a friendly "
        "conversation of about 30 minutes, by phone or video, about your studies, what you "
        "would like to learn, and the work our buyers and contract specialists do.\n\n"
        "Please reply with two or three times that suit you over the next two weeks, and "
        "tell us if you need any accommodation. There is nothing to prepare.\n\n"
        "Best regards,\nThe {office_name} internship program\n{office_email}",
    ),
    (
        "offer",
        "Offer",
        "An offer from the {office_name}",
        "Hello {first_name},\n\n"
        "We are glad to offer you a place in our internship program. Thank you for the time "
        "you gave us during the interviews.\n\n"
        "A member of our staff will call or email you within a few days with the details: "
        "the agency, the dates and hours, the pay and what you need for your first day. "
        "Please reply to tell us whether you accept, or write with any question.\n\n"
        "Congratulations, and welcome.\n\n"
        "The {office_name} internship program\n{office_email}",
    ),
    (
        "not_selected",
        "Not selected",
        "Your application to the {office_name}",
        "Hello {first_name},\n\n"
        "Thank you for your interest in the {office_name}. After reading every "
        "application carefully, we are not able to offer you a place this time: "
        "{reason}.\n\n"
        "This is not a judgement of your promise. Many of the people who work with us "
        "today applied more than once, and you are welcome to send the interest form "
        "again for a later term.\n\n"
        "We wish you well in your studies.\n\n"
        "The {office_name} internship program\n{office_email}",
    ),
    (
        "talent_pool",
        "Talent pool",
        "Staying in touch with the {office_name}",
        "Hello {first_name},\n\n"
        "Thank you for your time with us. We have no opening that fits you right now, but "
        "we would like to keep your details and write to you first when one does.\n\n"
        "If your plans, your graduation date or your address change, reply to this "
        "message and we will update your record. If you would rather we did not keep in "
        "touch, use the link at the end of this message.\n\n"
        "Best regards,\nThe {office_name} internship program\n{office_email}",
    ),
    (
        "booth_thanks",
        "Thanks for visiting our booth",
        "Thank you for stopping by our booth at {event}",
        "Hello {first_name},\n\n"
        "Thank you for stopping by the {office_name}'s booth at {event}. It was good to "
        "meet you.\n\n"
        "Public procurement is how the state buys everything from school buses to "
        "software: our interns write solicitations, research markets and work with "
        "vendors and agencies from their first week. We will write when internships for "
        "the coming term open.\n\n"
        "Questions in the meantime? Reply to this message or write to {office_email}.\n\n"
        "Best regards,\nThe {office_name} internship program",
    ),
]

# The stage each standard template greets on entry, out of the box.
STAGE_MESSAGES = {
    StageKey.INTERVIEW: "interview",
    StageKey.OFFER: "offer",
    StageKey.NOT_SELECTED: "not_selected",
    StageKey.TALENT_POOL: "talent_pool",
}

# What {reason} says to the student for each closing reason staff choose.
STUDENT_REASONS = {
    "skills_mismatch": _l("our openings this term call for studies or experience other than yours"),
    "positions_filled": _l("our openings for this term are filled"),
    "no_response": _l("we were not able to reach you"),
    "not_eligible": _l("your graduation date or availability does not match this term's openings"),
    "accepted_elsewhere": _l("you told us you have accepted another offer"),
    "schedule_conflict": _l("the schedule of our openings does not fit yours"),
    "own_request": _l("you asked us to withdraw your application"),
    "future_term": _l("we think you would fit a later term better"),
    "other": _l("we had more strong applicants than openings"),
}

# The same messages in Spanish, for students who read Recruit in Spanish: key → (subject,
# body), with the English one's placeholders. A new office starts with them; an office
# whose templates came before them adds them from the Untranslated page.
DEFAULT_TEMPLATES_ES = {
    "interest_received": (
        "Recibimos su formulario de interés",
        "Hola, {first_name}:\n\n"
        "Gracias por contarle a {office_name} sobre su interés en una pasantía o un empleo "
        "con el estado. Ya tenemos sus datos.\n\n"
        "Nuestro equipo de reclutamiento lee cada solicitud en un plazo de unas dos "
        "semanas. Si alguna vacante se ajusta a su perfil, le escribiremos para acordar una "
        "conversación breve. Si ya nos había enviado el formulario, nuestro personal "
        "revisa lo nuevo y actualiza sus datos.\n\n"
        "Vea en qué etapa está, o corrija sus datos: {status_link}\n\n"
        "¿Tiene preguntas o algún dato que corregir? Responda a este mensaje o escriba a "
        "{office_email}.\n\n"
        "Saludos cordiales,\nPrograma de pasantías de {office_name}",
    ),
    "status_link": (
        "Su enlace a la página de su solicitud",
        "Hola, {first_name}:\n\n"
        "Este es su enlace privado a su solicitud con {office_name}:\n\n"
        "{status_link}\n\n"
        "En esa página puede ver en qué etapa está, corregir sus datos, agregar su "
        "currículum, elegir las vacantes que le interesan o retirar su solicitud. El enlace "
        "es solo para usted; deja de funcionar después de unas semanas, o en cuanto pida uno "
        "nuevo.\n\n"
        "Si usted no pidió este enlace, puede ignorar este mensaje.\n\n"
        "Saludos cordiales,\nPrograma de pasantías de {office_name}\n{office_email}",
    ),
    "interview": (
        "¿Podemos conversar? Una entrevista con {office_name}",
        "Hola, {first_name}:\n\n"
        "Leímos sus datos y nos gustaría conocerle. La entrevista es una conversación amena "
        "de unos 30 minutos, por teléfono o videollamada, sobre sus estudios, lo que le "
        "gustaría aprender y el trabajo que hacen nuestros compradores y especialistas en "
        "contratos.\n\n"
        "Por favor, respóndanos con dos o tres horarios que le convengan en las próximas dos "
        "semanas, y díganos si necesita algún ajuste o apoyo. No hace falta preparar "
        "nada.\n\n"
        "Saludos cordiales,\nPrograma de pasantías de {office_name}\n{office_email}",
    ),
    "offer": (
        "Una oferta de {office_name}",
        "Hola, {first_name}:\n\n"
        "Nos alegra ofrecerle un lugar en nuestro programa de pasantías. Gracias por el "
        "tiempo que nos dedicó durante las entrevistas.\n\n"
        "Una persona de nuestro equipo le llamará o le escribirá en los próximos días con "
        "los detalles: la agencia, las fechas y el horario, el pago y lo que necesita para "
        "su primer día. Por favor, respóndanos para decirnos si acepta, o escríbanos con "
        "cualquier pregunta.\n\n"
        "¡Felicitaciones, y le damos la bienvenida!\n\n"
        "Programa de pasantías de {office_name}\n{office_email}",
    ),
    "not_selected": (
        "Su solicitud a {office_name}",
        "Hola, {first_name}:\n\n"
        "Gracias por su interés en {office_name}. Después de leer con atención cada "
        "solicitud, esta vez no podemos ofrecerle un lugar: {reason}.\n\n"
        "Esto no es un juicio sobre su potencial. Muchas de las personas que hoy trabajan "
        "con nosotros se postularon más de una vez, y con gusto recibiremos de nuevo su "
        "formulario de interés para un período posterior.\n\n"
        "Le deseamos mucho éxito en sus estudios.\n\n"
        "Programa de pasantías de {office_name}\n{office_email}",
    ),
    "talent_pool": (
        "Sigamos en contacto: {office_name}",
        "Hola, {first_name}:\n\n"
        "Gracias por su tiempo. En este momento no tenemos una vacante que se ajuste a su "
        "perfil, pero nos gustaría conservar sus datos y escribirle primero cuando surja "
        "una.\n\n"
        "Si cambian sus planes, su fecha de graduación o su dirección, responda a este "
        "mensaje y actualizaremos su registro. Si prefiere que no sigamos en contacto, use "
        "el enlace al final de este mensaje.\n\n"
        "Saludos cordiales,\nPrograma de pasantías de {office_name}\n{office_email}",
    ),
    "booth_thanks": (
        "Gracias por visitar nuestro stand en {event}",
        "Hola, {first_name}:\n\n"
        "Gracias por pasar por el stand de {office_name} en {event}. Fue un gusto "
        "conocerle.\n\n"
        "Las compras públicas son la manera en que el estado adquiere de todo, desde "
        "autobuses escolares hasta software: nuestros pasantes redactan solicitudes de "
        "ofertas, investigan el mercado y trabajan con proveedores y agencias desde su "
        "primera semana. Le escribiremos cuando se abran las pasantías del próximo "
        "período.\n\n"
        "¿Tiene preguntas mientras tanto? Responda a este mensaje o escriba a "
        "{office_email}.\n\n"
        "Saludos cordiales,\nPrograma de pasantías de {office_name}",
    ),
}
