import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { OverlayApp } from './OverlayApp';
import { parseOverlayOptions } from './overlay-options';
import './overlay.css';

// Its own entry (chat.html): no player, no i18n catalogue, no viewer styles — an OBS browser source
// loads only this.
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <OverlayApp options={parseOverlayOptions(location.search)} />
    </StrictMode>,
  );
}
