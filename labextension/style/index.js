import './base.css';
import './appearance.css';
import './messages.css';
import './code-blocks.css';
import './code-actions.css';
import './composer.css';
import './shortcuts.css';
import './chat-list.css';
