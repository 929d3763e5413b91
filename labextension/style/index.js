import './base.css';
import './code-actions.css';
