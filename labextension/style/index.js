import './base.css';
import './code-actions.css';
import './composer.css';
import './shortcuts.css';
