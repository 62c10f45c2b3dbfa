/** Spanish, the page's first language. The shape of this catalogue is the contract en.ts must meet. */
export const es = {
  locale: 'es-CL',
  /** Chile reads times on the 24-hour clock. */
  hourCycle: 'h23',
  pageTitle: 'Casa del Padre — En vivo',
  languageLabel: 'Idioma',
  languageNames: { es: 'Español', en: 'English' },

  liveBadge: 'EN VIVO',
  viewers: (n: number) => (n === 1 ? '1 persona conectada' : `${n.toLocaleString('es-CL')} personas conectadas`),
  starting: 'La transmisión está comenzando…',
  startingHint: 'El video aparecerá en unos segundos.',
  reconnecting: 'Se perdió la señal por un momento. Reconectando…',
  offlineTitle: 'No estamos transmitiendo en este momento',
  nextService: 'Próxima transmisión',
  startsIn: 'Comienza en',
  startsSoon: 'Comenzará en breve',
  countdownParts: { days: 'd', hours: 'h', minutes: 'min', seconds: 's' },
  noSchedule: 'Pronto anunciaremos la próxima transmisión.',
  autoStartHint: 'Deja esta página abierta: el video comenzará solo cuando estemos en vivo.',

  videoLabel: (church: string) => `Transmisión en vivo de ${church}`,
  playerControls: 'Controles del reproductor',
  play: 'Reproducir',
  pause: 'Pausar',
  mute: 'Silenciar',
  unmute: 'Activar sonido',
  unmuteShort: 'Quitar silencio',
  volume: 'Volumen',
  fullscreen: 'Pantalla completa',
  exitFullscreen: 'Salir de pantalla completa',
  pictureInPicture: 'Imagen en imagen',
  goLive: 'Volver al momento en vivo',
  behindLive: 'Estás viendo en diferido',
  quality: 'Calidad',
  qualityNames: { auto: 'Automática', source: 'Alta', mid: 'Media', low: 'Baja', audio: 'Solo audio' },
  audioOnly: 'Solo audio',
  audioOnlyHint: 'Escuchas la transmisión sin video para ahorrar datos.',
  loading: 'Cargando…',
  recovering: 'Recuperando la señal…',
  tapToPlay: 'Toca para reproducir',

  chatTitle: 'Chat',
  nickPrompt: '¿Cómo te llamas?',
  nickHint: 'Tu nombre aparecerá junto a tus mensajes.',
  nickLabel: 'Tu nombre',
  nickSubmit: 'Entrar al chat',
  writingAs: 'Escribes como',
  changeNick: 'Cambiar nombre',
  messageLabel: 'Mensaje',
  messagePlaceholder: 'Escribe un mensaje…',
  send: 'Enviar',
  newMessages: (n: number) => (n === 1 ? '1 mensaje nuevo' : `${n} mensajes nuevos`),
  pinned: 'Mensaje fijado',
  moderator: 'Moderador',
  you: 'tú',
  chatEmpty: 'Aún no hay mensajes. ¡Saluda!',
  chatConnecting: 'Conectando al chat…',
  chatCleared: 'Un moderador limpió el chat.',
  dismiss: 'Cerrar',
  chatErrors: {
    rate_limited: 'Estás enviando mensajes muy rápido. Espera un momento.',
    too_long: 'El mensaje es demasiado largo. Acórtalo un poco.',
    banned: 'No puedes escribir en este chat.',
    timed_out: 'Un moderador pausó tus mensajes por unos minutos.',
    slow_mode: 'El chat está en modo lento: espera unos segundos entre mensajes.',
    duplicate: 'Ya enviaste ese mismo mensaje.',
    link_not_allowed: 'No se permiten enlaces en el chat.',
    invalid: 'El mensaje no es válido.',
    nick_taken: 'Ese nombre ya está en uso. Elige otro.',
    nick_reserved: 'Ese nombre está reservado. Elige otro.',
    unknown_type: 'El chat no está disponible en este momento.',
    internal: 'Ocurrió un error. Intenta de nuevo.',
  },

  share: 'Compartir',
  shareText: 'Acompáñanos en vivo',
  linkCopied: 'Enlace copiado',
  copyFailed: 'No se pudo copiar el enlace',

  adminTitle: 'Panel de administración',
  passwordLabel: 'Contraseña',
  signIn: 'Entrar',
  signingIn: 'Entrando…',
  signInFailed: 'No se pudo iniciar sesión.',
  signedIn: 'Sesión iniciada.',
  backToViewer: 'Ir a la transmisión',
} as const;

type Widen<T> = T extends string
  ? string
  : T extends (...args: infer A) => string
    ? (...args: A) => string
    : { [K in keyof T]: Widen<T[K]> };

/** Every catalogue has exactly these keys; a missing or extra one fails the typecheck. */
export type Messages = Widen<typeof es>;
export type ChatErrorCode = keyof Messages['chatErrors'];
