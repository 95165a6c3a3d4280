#include "visualize/i18n.hpp"

#include "visualize/catalogue.hpp"

namespace mailsim::viz {

std::string step_name(int step, Lang lang) {
  if (step < 0 || step > 6) return "?";
  return std::string(phrase(lang, "step." + std::to_string(step)));
}

const char* step_word(Lang lang) { return pick(lang, "Step", "Paso"); }

// Placeholders in braces ({n}, {total}…) are filled in by the viewer.
const nlohmann::json& ui_strings() {
  static const nlohmann::json strings = nlohmann::json::parse(R"JSON({
"en": {
  "viewer": "mailsim viewer", "language": "Language", "protocol": "Protocol", "host": "Host", "message": "Message",
  "all": "All", "failures_only": "Failures only", "filters": "Filters",
  "first": "First event (Home)", "prev_step": "Previous step (↑ / PageUp)", "prev_event": "Previous event (←)",
  "play": "Play (Space)", "pause": "Pause (Space)", "next_event": "Next event (→)", "next_step": "Next step (↓ / PageDown)",
  "last": "Last event (End)", "speed": "Speed", "jump_time": "Go to time", "jump_hint": "seconds, e.g. 60 or 1m30s", "go": "Go",
  "next_failure": "Next failure (F)", "event_n_of": "Event {n} of {total}", "time": "Time", "step": "Step",
  "no_events": "No event matches the filters.", "failures_n": "{n} failures",
  "tab_details": "Details", "tab_message": "Message", "tab_mailboxes": "Mailboxes", "tab_events": "Events", "tab_help": "Help",
  "topology": "Network", "sequence": "Sequence diagram", "legend": "Steps",
  "d_seq": "Event", "d_from": "From", "d_to": "To", "d_protocol": "Protocol", "d_direction": "Direction",
  "d_raw": "Raw line", "d_meaning": "What it means", "d_rfc": "Defined in", "d_message": "Message", "d_conn": "Connection",
  "request": "request (client → server)", "response": "reply (server → client)",
  "alert_transient": "Transient failure: the sending server will retry", "alert_permanent": "Permanent failure",
  "open_inspector": "Open in the message inspector", "no_selection": "Click an arrow to see what it means.",
  "kind_fact": "decision of an agent", "kind_fault": "network event", "kind_content": "message content",
  "i_copies": "Copy of the message", "i_copy": "#{seq}, step {step}: {from} → {to}", "i_headers": "Header fields",
  "i_received": "Received chain", "i_received_help": "Every server that handles the message adds a Received field on top; read them from the bottom up to follow the path.",
  "i_hop": "Hop {n}: {from} → {by}", "i_with": "protocol", "i_id": "queue id", "i_for": "for", "i_date": "date",
  "i_parts": "MIME parts", "i_attachments": "Attachments", "i_body": "Text", "i_none": "No copy of this message has crossed the network yet: step to a DATA or RETR.",
  "i_raw": "Raw text as sent", "i_octets": "{n} octets", "i_no_received": "No Received field yet: either the message has not passed through a server, or a server created it itself (a bounce).",
  "i_return_path": "Return-Path (added at final delivery): where bounces go", "i_pick_message": "Choose a message with the Message filter or click a content arrow.",
  "mb_server": "Mailbox on {server}", "mb_local": "Local copy in the MUA on {host}", "mb_empty": "(empty)",
  "mb_sent": "Sent by this user", "mb_removed": "Retrieved and deleted from the server (POP3 DELE, QUIT)", "mb_bounced": "bounced", "mb_queued": "queued", "mb_delivered": "delivered",
  "mb_rejected": "rejected", "mb_retrieved": "retrieved", "mb_none": "This trace has no users.",
  "ev_shown": "{n} of {total} events shown", "role_pc": "PC with MUA", "role_mailserver": "Mail server",
  "role_dns": "DNS server", "role_router": "Router", "role_relay": "Relay server",
  "svc_mua": "MUA", "svc_submission": "MSA", "svc_smtp": "MTA", "svc_pop3": "MDA/POP3", "svc_dns": "DNS",
  "help_title": "Keyboard", "help_keys": "→ next event · ← previous event · ↓ or PageDown next step · ↑ or PageUp previous step · Space play/pause · Home/End first/last · F next failure · + / − speed · P projector mode · Q quiz · L packets (with visualize --packets)",
  "help_colors": "Arrows are coloured by the six steps. A transient failure (4xx: the sender keeps the message and retries) is amber with ↻ and an open arrowhead; a permanent one (5xx, -ERR, a bounce) is red with ✖ and a barred end.",
  "legend_transient": "transient (4xx): will retry", "legend_permanent": "permanent (5xx): bounce",
  "seq_region": "Sequence diagram: arrows move through the lines, Enter shows the current line's details",
  "topo_region": "Network: the current line travels between its two hosts",
  "projector": "Projector", "projector_hint": "Projector mode: large type for the back row (P)",
  "packets": "Packets", "packets_hint": "Below the application layer: the TCP segments and UDP datagrams of the current line (L)",
  "tab_packets": "Packets", "pk_none": "The current line does not travel between two hosts.",
  "pk_summary": "{n} packets between {a} and {b} so far; {rtx} sent again (retransmissions).",
  "pk_way": "From → to", "pk_flags": "Protocol, flags", "pk_seq": "Seq", "pk_ack": "Ack", "pk_len": "Octets", "pk_rtx": "↻ retransmission",
  "quiz": "Quiz", "quiz_hint": "Quiz mode: the lesson stops before some lines and you predict them (Q)",
  "quiz_intro": "Quiz: {total} questions. Step forward (→ or ↓): the lesson stops before each line to predict.",
  "quiz_none": "This lesson has no question.", "quiz_question": "Question {n} of {total}",
  "quiz_check": "Check", "quiz_continue": "Show the line →", "quiz_pick": "Choose an answer first",
  "quiz_pick_both": "Write the code and choose its kind first", "quiz_code": "Reply code",
  "quiz_class_success": "success (2xx/3xx)", "quiz_class_transient": "↻ transient (4xx)", "quiz_class_permanent": "✖ permanent (5xx)",
  "quiz_right": "Right: {answer}", "quiz_wrong": "Not quite: the answer is {answer}",
  "quiz_score": "Score: {n} / {total}", "quiz_final": "Quiz finished: {n} of {total} right.",
  "fault_down": "down", "fault_up": "up", "summary": "Summary",
  "totals": "submitted {submitted} · delivered {delivered} · bounced {bounced} · queued {queued} · rejected {rejected} · retrieved {retrieved}",
  "restricted": "Showing message {id} only",
  "btn_prev_step": "« Step", "btn_prev": "‹ Event", "btn_next": "Event ›", "btn_next_step": "Step »",
  "btn_play": "▶ Play", "btn_pause": "❙❙ Pause"
},
"es": {
  "viewer": "visor de mailsim", "language": "Idioma", "protocol": "Protocolo", "host": "Equipo", "message": "Mensaje",
  "all": "Todos", "failures_only": "Solo fallos", "filters": "Filtros",
  "first": "Primer evento (Inicio)", "prev_step": "Paso anterior (↑ / RePág)", "prev_event": "Evento anterior (←)",
  "play": "Reproducir (Espacio)", "pause": "Pausa (Espacio)", "next_event": "Evento siguiente (→)", "next_step": "Paso siguiente (↓ / AvPág)",
  "last": "Último evento (Fin)", "speed": "Velocidad", "jump_time": "Ir al instante", "jump_hint": "segundos, p. ej. 60 o 1m30s", "go": "Ir",
  "next_failure": "Siguiente fallo (F)", "event_n_of": "Evento {n} de {total}", "time": "Instante", "step": "Paso",
  "no_events": "Ningún evento cumple los filtros.", "failures_n": "{n} fallos",
  "tab_details": "Detalles", "tab_message": "Mensaje", "tab_mailboxes": "Buzones", "tab_events": "Eventos", "tab_help": "Ayuda",
  "topology": "Red", "sequence": "Diagrama de secuencia", "legend": "Pasos",
  "d_seq": "Evento", "d_from": "De", "d_to": "A", "d_protocol": "Protocolo", "d_direction": "Sentido",
  "d_raw": "Línea tal cual", "d_meaning": "Qué significa", "d_rfc": "Definido en", "d_message": "Mensaje", "d_conn": "Conexión",
  "request": "petición (cliente → servidor)", "response": "respuesta (servidor → cliente)",
  "alert_transient": "Fallo temporal: el servidor emisor lo reintentará", "alert_permanent": "Fallo permanente",
  "open_inspector": "Abrir en el inspector de mensajes", "no_selection": "Pulsa una flecha para ver qué significa.",
  "kind_fact": "decisión de un agente", "kind_fault": "suceso de la red", "kind_content": "contenido del mensaje",
  "i_copies": "Copia del mensaje", "i_copy": "#{seq}, paso {step}: {from} → {to}", "i_headers": "Campos de cabecera",
  "i_received": "Cadena Received", "i_received_help": "Cada servidor que trata el mensaje añade un campo Received arriba; léelos de abajo arriba para seguir el camino.",
  "i_hop": "Salto {n}: {from} → {by}", "i_with": "protocolo", "i_id": "id en la cola", "i_for": "para", "i_date": "fecha",
  "i_parts": "Partes MIME", "i_attachments": "Adjuntos", "i_body": "Texto", "i_none": "Todavía ninguna copia de este mensaje ha cruzado la red: avanza hasta un DATA o un RETR.",
  "i_raw": "Texto tal como se envió", "i_octets": "{n} octetos", "i_no_received": "Aún no hay campos Received: o el mensaje no ha pasado por ningún servidor, o lo creó el propio servidor (un rebote).",
  "i_return_path": "Return-Path (se añade en la entrega final): adónde van los rebotes", "i_pick_message": "Elige un mensaje con el filtro Mensaje o pulsa una flecha de contenido.",
  "mb_server": "Buzón en {server}", "mb_local": "Copia local en el programa de correo (MUA) de {host}", "mb_empty": "(vacío)",
  "mb_sent": "Enviados por este usuario", "mb_removed": "Recuperados y borrados del servidor (DELE y QUIT de POP3)", "mb_bounced": "rebotado", "mb_queued": "en cola", "mb_delivered": "entregado",
  "mb_rejected": "rechazado", "mb_retrieved": "recuperado", "mb_none": "Esta traza no tiene usuarios.",
  "ev_shown": "{n} de {total} eventos visibles", "role_pc": "PC con MUA", "role_mailserver": "Servidor de correo",
  "role_dns": "Servidor DNS", "role_router": "Router", "role_relay": "Servidor de retransmisión (relay)",
  "svc_mua": "MUA", "svc_submission": "MSA", "svc_smtp": "MTA", "svc_pop3": "MDA/POP3", "svc_dns": "DNS",
  "help_title": "Teclado", "help_keys": "→ evento siguiente · ← evento anterior · ↓ o AvPág paso siguiente · ↑ o RePág paso anterior · Espacio reproducir/pausa · Inicio/Fin primero/último · F siguiente fallo · + / − velocidad · P modo proyector · Q preguntas · L paquetes (con visualize --packets)",
  "help_colors": "Las flechas tienen el color de cada uno de los seis pasos. Un fallo temporal (4xx: el emisor guarda el mensaje y lo reintenta) va en ámbar con ↻ y punta abierta; uno permanente (5xx, -ERR, un rebote) en rojo con ✖ y extremo con barra.",
  "legend_transient": "temporal (4xx): se reintentará", "legend_permanent": "permanente (5xx): rebote",
  "seq_region": "Diagrama de secuencia: las flechas recorren las líneas, Intro muestra los detalles de la línea actual",
  "topo_region": "Red: la línea actual viaja entre sus dos equipos",
  "projector": "Proyector", "projector_hint": "Modo proyector: letra grande para la última fila (P)",
  "packets": "Paquetes", "packets_hint": "Por debajo de la capa de aplicación: los segmentos TCP y datagramas UDP de la línea actual (L)",
  "tab_packets": "Paquetes", "pk_none": "La línea actual no viaja entre dos equipos.",
  "pk_summary": "{n} paquetes entre {a} y {b} hasta ahora; {rtx} enviados de nuevo (retransmisiones).",
  "pk_way": "De → a", "pk_flags": "Protocolo, indicadores", "pk_seq": "Seq", "pk_ack": "Ack", "pk_len": "Octetos", "pk_rtx": "↻ retransmisión",
  "quiz": "Preguntas", "quiz_hint": "Modo preguntas: la lección se detiene antes de algunas líneas y tú las predices (Q)",
  "quiz_intro": "Preguntas: {total}. Avanza (→ o ↓): la lección se detiene antes de cada línea que hay que predecir.",
  "quiz_none": "Esta lección no tiene preguntas.", "quiz_question": "Pregunta {n} de {total}",
  "quiz_check": "Comprobar", "quiz_continue": "Ver la línea →", "quiz_pick": "Elige antes una respuesta",
  "quiz_pick_both": "Escribe antes el código y elige su tipo", "quiz_code": "Código de respuesta",
  "quiz_class_success": "éxito (2xx/3xx)", "quiz_class_transient": "↻ temporal (4xx)", "quiz_class_permanent": "✖ permanente (5xx)",
  "quiz_right": "Correcto: {answer}", "quiz_wrong": "No exactamente: la respuesta es {answer}",
  "quiz_score": "Puntuación: {n} / {total}", "quiz_final": "Fin de las preguntas: {n} de {total} correctas.",
  "fault_down": "caído", "fault_up": "restablecido", "summary": "Resumen",
  "totals": "enviados {submitted} · entregados {delivered} · rebotados {bounced} · en cola {queued} · rechazados {rejected} · recuperados {retrieved}",
  "restricted": "Solo se muestra el mensaje {id}",
  "btn_prev_step": "« Paso", "btn_prev": "‹ Evento", "btn_next": "Evento ›", "btn_next_step": "Paso »",
  "btn_play": "▶ Reproducir", "btn_pause": "❙❙ Pausa"
}
})JSON");
  return strings;
}

}  // namespace mailsim::viz
