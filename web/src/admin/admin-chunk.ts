// The admin chunk's entry, loaded on demand from App.tsx: viewers never download the dashboard or its styles.
import '../styles/admin.css';
import '../styles/overlay-admin.css';

export { AdminApp } from './AdminApp';
